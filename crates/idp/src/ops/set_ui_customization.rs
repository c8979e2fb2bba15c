//! SetUICustomization: CSS and a PNG or JPEG logo for the hosted pages, pool-wide (no client or
//! `ALL`) or for one client. As on AWS, the pool needs a domain first.

use base64::Engine as _;
use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_domain::hosted::{UiCustomization, ui_client_key};
use cognate_model::idp::{SetUICustomizationRequest, SetUICustomizationResponse};

use crate::Idp;
use crate::errors::{Result, internal, invalid_parameter};
use crate::hosted::ui::{self, MAX_LOGO_BYTES};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: SetUICustomizationRequest,
) -> Result<SetUICustomizationResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    if idp
        .store
        .pool_domains(&pool.id)
        .await
        .map_err(internal)?
        .is_empty()
    {
        return Err(invalid_parameter(
            "There has to be an existing domain associated with this user pool",
        ));
    }
    let client_id = match input.client_id.as_ref().map(|c| c.expose()) {
        None | Some("ALL") => None,
        Some(id) => Some(idp.pool_client(pool.id.as_str(), id).await?.client_id),
    };
    if let Some(image) = &input.image_file {
        check_logo(image)?;
    }
    let now = idp.clock.now();
    let created_at = match idp
        .store
        .get_ui_customization(&pool.id, client_id.as_ref())
        .await
    {
        Ok(existing) => existing.created_at,
        Err(StoreError::NotFound) => now,
        Err(other) => return Err(internal(other)),
    };
    let customization = UiCustomization {
        pool_id: pool.id.clone(),
        client_id: client_id.clone(),
        css: input.css,
        image_base64: input.image_file,
        created_at,
        last_modified_at: now,
    };
    idp.store
        .put_ui_customization(&customization)
        .await
        .map_err(internal)?;
    Ok(SetUICustomizationResponse {
        ui_customization: ui::wire_ui(
            &idp,
            pool.id.as_str(),
            ui_client_key(client_id.as_ref()),
            Some(&customization),
        ),
    })
}

fn check_logo(image: &str) -> Result<()> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(image)
        .map_err(|_| invalid_parameter("ImageFile is not valid base64."))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(invalid_parameter("Logo image must be at most 100 KB."));
    }
    if !ui::is_png_or_jpeg(&bytes) {
        return Err(invalid_parameter("Logo image must be a PNG or JPEG file."));
    }
    Ok(())
}
