//! ListUsers: an optional filter (`name = "v"` / `name ^= "v"`, see
//! `cognate_domain::user_filter`) served by the store's indexes, AttributesToGet, and sealed
//! pagination tokens bound to the pool and the filter. An attribute filter's users come in its
//! index's order (value, then username), the others by username: AWS documents no order.

use cognate_awsjson::{ApiError, RequestContext};
use cognate_domain::listing::ListedUser;
use cognate_domain::pool::UserPool;
use cognate_domain::user::{FilterField, UserFilter};
use cognate_domain::user_filter::{FilterError, parse_user_filter};
use cognate_model::idp::{AttributeType, ListUsersRequest, ListUsersResponse, UserType};

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
    // `v2`: an attribute filter's token holds a position (value, username key), no longer a
    // username key; a token of the old form opens nowhere and is refused like any foreign one.
    let scope = format!("users/v2/{}/{text}", pool.id);
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
        users: Some(page.items.into_iter().map(|u| listed(u, wanted)).collect()),
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

/// `UserType` as AdminCreateUser's (`wire::user_type`), with only the attributes asked for (all
/// of them when AttributesToGet is absent); the listed user's strings move into it.
fn listed(user: ListedUser, wanted: Option<&[String]>) -> UserType {
    let attributes = user
        .attributes
        .into_iter()
        .filter(|(name, _)| wanted.is_none_or(|wanted| wanted.contains(name)))
        .map(|(name, value)| AttributeType {
            name,
            value: Some(value.into()),
        })
        .collect();
    UserType {
        username: Some(user.username.into()),
        attributes: Some(attributes),
        user_create_date: Some(user.created_at.epoch_seconds()),
        user_last_modified_date: Some(user.last_modified_at.epoch_seconds()),
        enabled: Some(user.enabled),
        user_status: Some(wire::status_type(user.status)),
        mfa_options: None,
    }
}
