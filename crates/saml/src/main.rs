//! `cognate-saml`: SAML's XML work for `cognate serve`, in a process of its own. The server
//! starts it on its first SAML call and speaks `cognate_outbound::saml::wire` to it: a JSON
//! request per line on standard input, a JSON reply per line on standard output. It reads no
//! configuration and holds no secret; the XML it parses comes from IdPs on the internet, and
//! the C libraries that parse it (libxml2, xmlsec1, OpenSSL) are loaded here, not in the server.

mod service_provider;

use std::io::{BufRead, Write};

use cognate_outbound::saml::wire::Request;
use serde::Serialize;

fn main() -> std::io::Result<()> {
    let mut replies = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let request: Request = serde_json::from_str(&line?).map_err(std::io::Error::other)?;
        let reply = answer(request)?;
        replies.write_all(reply.as_bytes())?;
        replies.write_all(b"\n")?;
        replies.flush()?;
    }
    Ok(())
}

fn answer(request: Request) -> std::io::Result<String> {
    match request {
        Request::ParseMetadata { xml } => json(&service_provider::parse_metadata(&xml)),
        Request::AuthnRequestUrl {
            request,
            relay_state,
        } => json(&service_provider::authn_request_url(&request, &relay_state)),
        Request::VerifyResponse {
            metadata_xml,
            saml_response,
            expected,
        } => json(&service_provider::verify_response(
            &metadata_xml,
            &saml_response,
            &expected,
        )),
    }
}

fn json(reply: &impl Serialize) -> std::io::Result<String> {
    serde_json::to_string(reply).map_err(std::io::Error::other)
}
