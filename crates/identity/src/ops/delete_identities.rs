use cognate_awsjson::RequestContext;
use cognate_domain::StoreError;
use cognate_model::identity::{
    DeleteIdentitiesInput, DeleteIdentitiesResponse, ErrorCodeType, UnprocessedIdentityId,
};

use crate::Identity;
use crate::errors::Result;

/// Deletes each identity; unknown ones are skipped as AWS does, failures are reported per id.
pub async fn handle(
    identity: Identity,
    _ctx: RequestContext,
    input: DeleteIdentitiesInput,
) -> Result<DeleteIdentitiesResponse> {
    let mut unprocessed = Vec::new();
    for id in &input.identity_ids_to_delete {
        match identity.store.delete_identity(id).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(error) => {
                tracing::error!(%error, "deleting an identity failed");
                unprocessed.push(UnprocessedIdentityId {
                    identity_id: Some(id.clone()),
                    error_code: Some(ErrorCodeType::InternalServerError),
                });
            }
        }
    }
    Ok(DeleteIdentitiesResponse {
        unprocessed_identity_ids: Some(unprocessed),
    })
}
