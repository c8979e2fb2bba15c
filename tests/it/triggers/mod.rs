//! Lambda triggers, against the testkit's stand-in Lambda service: each trigger source's event,
//! what its answer changes, AWS's error mapping, and the invocation log. Every test runs on both
//! backends with its own stand-in.

mod config;
