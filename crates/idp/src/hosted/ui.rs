//! Hosted-UI customization (CSS and logo), pool-wide (`ALL`) or per client.

use cognate_domain::StoreError;
use cognate_domain::hosted::{UiCustomization, ui_client_key};
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_model::idp as wire;

use crate::Idp;
use crate::errors::{Result, internal};

/// Largest logo AWS accepts, in bytes.
pub const MAX_LOGO_BYTES: usize = 100 * 1024;

/// Where the hosted pages (and anyone) fetch the logo of a customization.
pub fn logo_url(idp: &Idp, ui: &UiCustomization) -> String {
    format!(
        "{}/assets/logo/{}/{}",
        idp.config.public_url,
        ui.pool_id,
        ui_client_key(ui.client_id.as_ref())
    )
}

/// The wire form; a pool or client without a customization is described with its ids alone.
pub fn wire_ui(
    idp: &Idp,
    pool_id: &str,
    client_key: &str,
    ui: Option<&UiCustomization>,
) -> wire::UICustomizationType {
    let mut out = wire::UICustomizationType {
        user_pool_id: Some(pool_id.to_string()),
        client_id: Some(client_key.to_string().into()),
        ..Default::default()
    };
    if let Some(ui) = ui {
        out.image_url = ui.image_base64.as_ref().map(|_| logo_url(idp, ui));
        out.css = ui.css.clone();
        out.css_version = Some(ui.last_modified_at.millis().to_string());
        out.creation_date = Some(ui.created_at.epoch_seconds());
        out.last_modified_date = Some(ui.last_modified_at.epoch_seconds());
    }
    out
}

/// Whether `bytes` start like a PNG or a JPEG, the formats AWS takes for the logo.
pub fn is_png_or_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x89, b'P', b'N', b'G']) || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

impl Idp {
    /// The customization the hosted pages of `client_id` show: the client's own, else the
    /// pool-wide one.
    pub async fn ui_customization(
        &self,
        pool_id: &UserPoolId,
        client_id: Option<&ClientId>,
    ) -> Result<Option<UiCustomization>> {
        let mut keys = vec![None];
        if client_id.is_some() {
            keys.insert(0, client_id);
        }
        for key in keys {
            match self.store.get_ui_customization(pool_id, key).await {
                Ok(found) => return Ok(Some(found)),
                Err(StoreError::NotFound) => {}
                Err(other) => return Err(internal(other)),
            }
        }
        Ok(None)
    }
}
