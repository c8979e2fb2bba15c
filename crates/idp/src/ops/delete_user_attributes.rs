//! DeleteUserAttributes: the signed-in user removes its own attributes, within its client's
//! WriteAttributes (not required or immutable ones).

use cognate_awsjson::RequestContext;
use cognate_model::idp::{DeleteUserAttributesRequest, DeleteUserAttributesResponse};

use crate::Idp;
use crate::errors::Result;
use crate::users::attributes::Writer;
use crate::users::profile;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: DeleteUserAttributesRequest,
) -> Result<DeleteUserAttributesResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    let client = idp.token_client(&caller.token).await?;
    profile::check_removals(
        &caller.pool,
        Writer::Client(&client),
        &input.user_attribute_names,
    )?;
    idp.delete_attributes(&caller.pool, &caller.user, &input.user_attribute_names)
        .await?;
    Ok(DeleteUserAttributesResponse {})
}
