//! AdminDeleteUser: the user goes, and its refresh tokens with it (by foreign key); its
//! access tokens then name no user.

use cognate_awsjson::RequestContext;
use cognate_model::idp::{AdminDeleteUserRequest, Empty};

use crate::Idp;
use crate::errors::Result;
use crate::users::store_write_error;

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: AdminDeleteUserRequest,
) -> Result<Empty> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let user = idp.require_user(&pool, input.username.expose()).await?;
    idp.store
        .delete_user(&pool.id, &user.username_key)
        .await
        .map_err(store_write_error)?;
    Ok(Empty {})
}
