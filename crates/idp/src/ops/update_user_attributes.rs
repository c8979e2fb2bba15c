//! UpdateUserAttributes: the signed-in user changes its own attributes, within its client's
//! WriteAttributes. Codes sent to changed addresses are listed in the response.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{UpdateUserAttributesRequest, UpdateUserAttributesResponse};

use crate::Idp;
use crate::errors::Result;
use crate::triggers::{MessageCause, MessageSource};
use crate::users::attributes::Writer;
use crate::users::profile;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: UpdateUserAttributesRequest,
) -> Result<UpdateUserAttributesResponse> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    let client = idp.token_client(&caller.token).await?;
    let update = profile::parse_update(
        &caller.pool,
        Writer::Client(&client),
        &input.user_attributes,
    )?;
    let details = idp
        .update_attributes(
            &caller.pool,
            &caller.user,
            &update,
            MessageCause::new(
                MessageSource::UpdateUserAttribute,
                Some(caller.token.client_id.as_str()),
                input.client_metadata.as_ref(),
            ),
        )
        .await?;
    Ok(UpdateUserAttributesResponse {
        code_delivery_details_list: (!details.is_empty()).then_some(details),
    })
}
