use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{ApiError, RequestContext};

/// One operation of a service: its full target name and its wire input and output.
/// Implemented by the generated model, one marker type per operation.
pub trait Operation: Send + Sync + 'static {
    /// `<ServicePrefix>.<OperationName>`, exactly as clients send it in `X-Amz-Target`.
    const TARGET: &'static str;
    /// The bare operation name (the part after the dot).
    const NAME: &'static str;
    type Input: DeserializeOwned + Send + 'static;
    type Output: Serialize + Send + 'static;

    /// Checks the raw JSON body against the model's types and constraints, before it is
    /// deserialised: wrong JSON types are `SerializationException`, broken constraints the
    /// service's own code (cognito-idp `InvalidParameterException`, cognito-identity
    /// `ValidationException`).
    fn validate(body: &serde_json::Value) -> Result<(), ApiError>;
}

/// Something done once per operation type: the generated `op::visit_all` calls it with every
/// operation of a service, so code that needs them all typed (a test driving every decoder)
/// iterates over the model instead of a hand-kept list.
pub trait OperationVisitor {
    fn visit<O: Operation>(&mut self);
}

/// A plain async function handling one operation. It never sees HTTP.
pub trait Handler<O: Operation, S>: Send + Sync + 'static {
    fn call(
        &self,
        state: S,
        ctx: RequestContext,
        input: O::Input,
    ) -> BoxFuture<'static, Result<O::Output, ApiError>>;
}

impl<O, S, F, Fut, E> Handler<O, S> for F
where
    O: Operation,
    F: Fn(S, RequestContext, O::Input) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O::Output, E>> + Send + 'static,
    E: Into<ApiError>,
{
    fn call(
        &self,
        state: S,
        ctx: RequestContext,
        input: O::Input,
    ) -> BoxFuture<'static, Result<O::Output, ApiError>> {
        let fut = self(state, ctx, input);
        Box::pin(async move { fut.await.map_err(Into::into) })
    }
}

type Erased =
    Arc<dyn Fn(RequestContext, Bytes) -> BoxFuture<'static, Result<Bytes, ApiError>> + Send + Sync>;

/// Operations keyed on their full target. Data, not a `match`: a test can diff it against the model.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Erased>,
    /// The targets registered with [`Registry::unsupported`]: known, answered with a typed error.
    unsupported: HashSet<&'static str>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `handler` for operation `O`, called with a clone of `state`.
    pub fn add<O: Operation, S: Clone + Send + Sync + 'static>(
        &mut self,
        state: &S,
        handler: impl Handler<O, S>,
    ) {
        let state = state.clone();
        let handler = Arc::new(handler);
        let erased: Erased = Arc::new(move |ctx, body| {
            let state = state.clone();
            let handler = handler.clone();
            Box::pin(async move {
                let input = decode::<O>(&body)?;
                let output = handler.call(state, ctx, input).await?;
                encode(&output)
            })
        });
        self.insert(O::TARGET, erased);
    }

    /// Registers `O` as known but not built: it answers `UnsupportedOperationException`.
    /// The input is still checked first, so a malformed request gets the error it deserves.
    pub fn unsupported<O: Operation>(&mut self) {
        let erased: Erased = Arc::new(|_, body| {
            Box::pin(async move {
                decode::<O>(&body)?;
                Err(ApiError::unsupported_operation(O::NAME))
            })
        });
        self.insert(O::TARGET, erased);
        self.unsupported.insert(O::TARGET);
    }

    fn insert(&mut self, target: &'static str, erased: Erased) {
        let previous = self.handlers.insert(target, erased);
        assert!(previous.is_none(), "operation {target} registered twice");
    }

    pub fn merge(&mut self, other: Registry) {
        for (target, erased) in other.handlers {
            self.insert(target, erased);
        }
        self.unsupported.extend(other.unsupported);
    }

    /// Whether `target` is built (false for unknown targets and those registered unsupported).
    pub fn is_supported(&self, target: &str) -> bool {
        self.handlers.contains_key(target) && !self.unsupported.contains(target)
    }

    /// The registry's own copy of `target` when it is registered: a static name, for labels
    /// that must not allocate per request.
    pub fn known_target(&self, target: &str) -> Option<&'static str> {
        self.handlers.get_key_value(target).map(|(known, _)| *known)
    }

    /// Every registered target, sorted.
    pub fn targets(&self) -> Vec<&'static str> {
        let mut targets: Vec<_> = self.handlers.keys().copied().collect();
        targets.sort_unstable();
        targets
    }

    /// Runs `target` in-process on a JSON input, as `POST /` would (the same checks and handler;
    /// no HTTP, no signature): for the server's own use, such as applying a seed file.
    pub async fn invoke(
        &self,
        target: &str,
        input: &serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        let body = serde_json::to_vec(input).map_err(|_| ApiError::internal())?;
        let output = self
            .call(target, RequestContext::internal(target), Bytes::from(body))
            .await?;
        serde_json::from_slice(&output).map_err(|_| ApiError::internal())
    }

    pub(crate) async fn call(
        &self,
        target: &str,
        ctx: RequestContext,
        body: Bytes,
    ) -> Result<Bytes, ApiError> {
        match self.handlers.get(target) {
            Some(handler) => handler(ctx, body).await,
            None => Err(ApiError::unknown_operation(target)),
        }
    }
}

fn decode<O: Operation>(body: &[u8]) -> Result<O::Input, ApiError> {
    // An empty body is an empty input object, as the AWS SDKs sometimes send.
    let value: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::serialization(format!("Malformed JSON body: {e}")))?
    };
    decode_value::<O>(value)
}

/// `O`'s input from a JSON document, checked as a request body is: the model's types and
/// constraints, then deserialisation.
pub fn decode_value<O: Operation>(value: serde_json::Value) -> Result<O::Input, ApiError> {
    if !value.is_object() {
        return Err(ApiError::serialization(
            "The request body must be a JSON object",
        ));
    }
    O::validate(&value)?;
    serde_json::from_value(value).map_err(|e| ApiError::serialization(e.to_string()))
}

fn encode<T: Serialize>(output: &T) -> Result<Bytes, ApiError> {
    serde_json::to_vec(output).map(Bytes::from).map_err(|e| {
        tracing::error!(error = %e, "could not serialise an operation's output");
        ApiError::internal()
    })
}
