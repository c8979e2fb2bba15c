//! DeleteUser: the signed-in user deletes itself; refresh tokens go with it (foreign key) and
//! its access tokens then name no user.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{DeleteUserRequest, Empty};

use crate::Idp;
use crate::errors::Result;
use crate::users::store_write_error;

pub async fn handle(idp: Idp, _ctx: RequestContext, input: DeleteUserRequest) -> Result<Empty> {
    let caller = idp.signed_in(input.access_token.expose()).await?;
    idp.store
        .delete_user(&caller.pool.id, &caller.user.username_key)
        .await
        .map_err(store_write_error)?;
    Ok(Empty {})
}
