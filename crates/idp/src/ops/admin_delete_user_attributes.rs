//! AdminDeleteUserAttributes: removes attributes (not required or immutable ones). Existing
//! tokens are untouched; the next ID token lacks the attributes.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminDeleteUserAttributesRequest, AdminDeleteUserAttributesResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::attributes::Writer;
use crate::users::profile;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminDeleteUserAttributesRequest,
) -> Result<AdminDeleteUserAttributesResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    profile::check_removals(&pool, Writer::Admin, &input.user_attribute_names)?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    idp.delete_attributes(&pool, &user, &input.user_attribute_names)
        .await?;
    Ok(AdminDeleteUserAttributesResponse {})
}
