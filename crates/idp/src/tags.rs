//! Tagging resources by ARN: user pools are the taggable resource of cognito-idp.

use cognate_domain::pool::UserPool;

use crate::Idp;
use crate::errors::{Result, invalid_parameter};

/// AWS's limit on tags per resource.
pub const MAX_TAGS: usize = 50;

impl Idp {
    /// The pool an ARN `arn:aws:cognito-idp:<region>:<account>:userpool/<id>` names.
    pub async fn pool_by_arn(&self, arn: &str) -> Result<UserPool> {
        let pool_id = arn
            .strip_prefix("arn:aws:cognito-idp:")
            .and_then(|rest| rest.split_once(":userpool/"))
            .map(|(_, id)| id)
            .filter(|id| !id.is_empty())
            .ok_or_else(|| invalid_parameter(format!("Invalid ARN: {arn}")))?;
        self.pool(pool_id).await
    }
}
