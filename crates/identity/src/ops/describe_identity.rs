use cognate_awsjson::RequestContext;
use cognate_model::identity::{DescribeIdentityInput, IdentityDescription};

use crate::Identity;
use crate::errors::Result;
use crate::ops::identities::description;

pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: DescribeIdentityInput,
) -> Result<IdentityDescription> {
    let record = identity.identity(&input.identity_id).await?;
    Ok(description(&record))
}
