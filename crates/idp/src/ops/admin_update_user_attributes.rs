//! AdminUpdateUserAttributes: any attribute the schema allows (immutable ones refused), and
//! `email_verified` / `phone_number_verified` too. A changed address in an auto-verified pool
//! gets a code, as on AWS, unless the same request marks it verified.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminUpdateUserAttributesRequest, AdminUpdateUserAttributesResponse};

use crate::Idp;
use crate::errors::Result;
use crate::triggers::{MessageCause, MessageSource};
use crate::users::attributes::Writer;
use crate::users::profile;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminUpdateUserAttributesRequest,
) -> Result<AdminUpdateUserAttributesResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let update = profile::parse_update(&pool, Writer::Admin, &input.user_attributes)?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    let cause = MessageCause::new(
        MessageSource::UpdateUserAttribute,
        None,
        input.client_metadata.as_ref(),
    );
    idp.update_attributes(&pool, &user, &update, cause).await?;
    Ok(AdminUpdateUserAttributesResponse {})
}
