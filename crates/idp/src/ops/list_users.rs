//! ListUsers: an optional filter (`name = "v"` / `name ^= "v"`, see
//! `cognate_domain::user_filter`) served by the store's indexes, AttributesToGet, and sealed
//! pagination tokens bound to the pool and the filter.

use cognate_awsjson::{ApiError, RequestContext};
use cognate_domain::pool::UserPool;
use cognate_domain::user::{FilterField, User, UserFilter};
use cognate_domain::user_filter::{FilterError, parse_user_filter};
use cognate_model::idp::{ListUsersRequest, ListUsersResponse, UserType};

use crate::errors::{Result, internal, invalid_parameter};
use crate::users::{username_key, wire};
use crate::{Idp, paging};

pub async fn handle(
    idp: Idp,
    _ctx: RequestContext,
    input: ListUsersRequest,
) -> Result<ListUsersResponse> {
    let pool = idp.pool(&input.user_pool_id).await?;
    let text = input.filter.as_deref().unwrap_or_default().trim();
    let filter = parse_user_filter(text)
        .map_err(filter_error)?
        .map(|filter| for_pool(&pool, filter));
    let scope = format!("users/{}/{text}", pool.id);
    let after = paging::open_after(&idp.seal, &scope, input.pagination_token.as_deref())?;
    let page = idp
        .store
        .list_users(
            &pool.id,
            filter.as_ref(),
            after.as_deref(),
            paging::page_limit(input.limit),
        )
        .await
        .map_err(internal)?;
    let wanted = input.attributes_to_get.as_deref();
    Ok(ListUsersResponse {
        users: Some(page.items.iter().map(|u| listed(u, wanted)).collect()),
        pagination_token: paging::seal_next(&idp.seal, &scope, page.next),
    })
}

fn filter_error(error: FilterError) -> ApiError {
    match error {
        FilterError::Syntax => invalid_parameter("Error while parsing filter."),
        FilterError::UnknownAttribute(name) => {
            invalid_parameter(format!("Invalid search attribute: {name}"))
        }
    }
}

/// Usernames are stored under their key: lowercased in case-insensitive pools.
fn for_pool(pool: &UserPool, mut filter: UserFilter) -> UserFilter {
    if filter.field == FilterField::Username {
        filter.value = username_key(pool, &filter.value);
    }
    filter
}

/// The user with only the attributes asked for (all of them when AttributesToGet is absent).
fn listed(user: &User, wanted: Option<&[String]>) -> UserType {
    let mut listed = wire::user_type(user);
    if let (Some(wanted), Some(attributes)) = (wanted, listed.attributes.as_mut()) {
        attributes.retain(|attribute| wanted.contains(&attribute.name));
    }
    listed
}
