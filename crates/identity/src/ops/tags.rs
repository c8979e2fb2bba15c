//! The identity pool an ARN names: `arn:aws:cognito-identity:<region>:<account>:identitypool/<id>`.

use cognate_domain::identity::IdentityPool;

use crate::Identity;
use crate::errors::{Result, invalid_parameter};

pub async fn pool_by_arn(identity: &Identity, arn: &str) -> Result<IdentityPool> {
    let pool_id = arn
        .strip_prefix("arn:aws:cognito-identity:")
        .and_then(|rest| rest.split_once(":identitypool/"))
        .map(|(_, id)| id)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| invalid_parameter(format!("Invalid ARN: {arn}")))?;
    identity.identity_pool(pool_id).await
}
