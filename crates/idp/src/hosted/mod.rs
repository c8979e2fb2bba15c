//! The hosted side of a pool as the JSON API manages it: domains, resource servers, the app
//! client's OAuth settings and hosted-UI customization. The web endpoints that act on them are
//! `cognate-oauth`'s.

pub mod domains;
pub mod oauth_settings;
pub mod resource_servers;
pub mod ui;
