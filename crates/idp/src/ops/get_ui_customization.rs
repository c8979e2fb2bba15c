//! GetUICustomization: the client's own customization, else the pool-wide one, else the ids
//! alone (as AWS answers for a pool never customized).

use cognate_awsjson::RequestContext;
use cognate_domain::hosted::ui_client_key;
use cognate_model::idp::{GetUICustomizationRequest, GetUICustomizationResponse};

use crate::Idp;
use crate::errors::Result;
use crate::hosted::ui;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: GetUICustomizationRequest,
) -> Result<GetUICustomizationResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let client_id = match input.client_id.as_ref().map(|c| c.expose()) {
        None | Some("ALL") => None,
        Some(id) => Some(idp.pool_client(pool.id.as_str(), id).await?.client_id),
    };
    let found = idp.ui_customization(&pool.id, client_id.as_ref()).await?;
    Ok(GetUICustomizationResponse {
        ui_customization: ui::wire_ui(
            &idp,
            pool.id.as_str(),
            ui_client_key(client_id.as_ref()),
            found.as_ref(),
        ),
    })
}
