//! Lambda triggers: the documented event of each trigger source, the `Invoker` that calls the
//! AWS Lambda Invoke API (`aws-sdk-lambda`, endpoint from config, per-function overrides), and
//! AWS's error mapping, time-out and retries. `Triggers` is what `crates/idp` calls at each
//! trigger point; every invocation is recorded in a bounded log (`/_cognate/invocations`).

mod config;
mod error;
pub mod events;
mod invoker;
mod log;
mod redact;
mod sdk;
mod triggers;

pub use config::LambdaSettings;
pub use error::TriggerError;
pub use events::{Trigger, TriggerCall};
pub use invoker::{InvokeFailure, Invoker, Reply};
pub use log::{InvocationFilter, InvocationLog, InvocationRecord, Outcome};
pub use sdk::SdkInvoker;
pub use triggers::{InvocationObserver, Triggers};
