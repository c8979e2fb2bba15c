//! Groups: loading them with AWS's errors, their wire form, listing limits and the group
//! claims of tokens.

use cognate_awsjson::ApiError;
use cognate_domain::group::{GROUPS_POOL_NAME_KEY, Group};
use cognate_domain::pool::UserPool;
use cognate_domain::user::User;
use cognate_domain::{Page, StoreError};
use cognate_model::idp::{ErrorCode, GroupType};

use crate::Idp;
use crate::errors::{OrNotFound, Result, internal};
use crate::tokens::TokenGroups;

/// A user's groups read for a token; Cognito allows 10,000 groups per pool.
const TOKEN_GROUPS_LIMIT: usize = 10_000;

pub fn group_not_found() -> ApiError {
    ErrorCode::ResourceNotFoundException.msg("Group not found.")
}

/// Unique-index conflicts and missing parents on group writes, as Cognito reports them.
pub fn group_write_error(error: StoreError) -> ApiError {
    match error {
        StoreError::Conflict { constraint } if constraint == GROUPS_POOL_NAME_KEY => {
            ErrorCode::GroupExistsException.msg("A group with the name already exists.")
        }
        StoreError::NotFound => group_not_found(),
        other => internal(other),
    }
}

/// `GroupType` as every group operation returns it.
pub fn group_type(group: &Group) -> GroupType {
    GroupType {
        group_name: Some(group.name.clone()),
        user_pool_id: Some(group.pool_id.to_string()),
        description: group.description.clone(),
        role_arn: group.role_arn.clone(),
        precedence: group.precedence,
        last_modified_date: Some(group.last_modified_at.epoch_seconds()),
        creation_date: Some(group.created_at.epoch_seconds()),
    }
}

impl Idp {
    /// The group `name` (any case) of `pool`, or `ResourceNotFoundException`.
    pub async fn group(&self, pool: &UserPool, name: &str) -> Result<Group> {
        self.store
            .get_group(&pool.id, name)
            .await
            .or_not_found(group_not_found)
    }

    /// Group claims of `user`'s tokens.
    pub(crate) async fn groups_for_token(
        &self,
        pool: &UserPool,
        user: &User,
    ) -> Result<TokenGroups> {
        let Page { items, .. } = self
            .store
            .list_user_groups(&pool.id, &user.username_key, None, TOKEN_GROUPS_LIMIT)
            .await
            .map_err(internal)?;
        Ok(token_groups(items))
    }
}

/// Cognito's group claims: every group (highest precedence first, no precedence last), every
/// distinct role, and the preferred role: the role of the highest-precedence group that has
/// one; when several groups share that precedence with different roles, none.
pub fn token_groups(mut groups: Vec<Group>) -> TokenGroups {
    let rank = |group: &Group| (group.precedence.is_none(), group.precedence, group.key());
    groups.sort_by_key(rank);
    let mut roles: Vec<String> = Vec::new();
    for role in groups.iter().filter_map(|g| g.role_arn.clone()) {
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    let with_roles: Vec<&Group> = groups.iter().filter(|g| g.role_arn.is_some()).collect();
    let preferred_role = with_roles.first().and_then(|first| {
        let mut tied = with_roles
            .iter()
            .filter(|g| g.precedence == first.precedence)
            .map(|g| g.role_arn.as_deref());
        let role = first.role_arn.as_deref();
        tied.all(|r| r == role)
            .then(|| role.map(str::to_string))
            .flatten()
    });
    TokenGroups {
        groups: groups.into_iter().map(|g| g.name).collect(),
        roles,
        preferred_role,
    }
}

#[cfg(test)]
mod tests {
    use cognate_domain::Timestamp;
    use cognate_domain::ids::UserPoolId;

    use super::*;

    fn group(name: &str, precedence: Option<i32>, role: Option<&str>) -> Group {
        Group {
            pool_id: UserPoolId::new("us-east-1_abc"),
            name: name.into(),
            description: None,
            role_arn: role.map(str::to_string),
            precedence,
            created_at: Timestamp(0),
            last_modified_at: Timestamp(0),
        }
    }

    #[test]
    fn preferred_role_is_the_lowest_precedence_role() {
        let claims = token_groups(vec![
            group("low", Some(10), Some("arn:a")),
            group("none", None, Some("arn:c")),
            group("high", Some(1), Some("arn:b")),
            group("norole", Some(0), None),
        ]);
        assert_eq!(claims.groups, ["norole", "high", "low", "none"]);
        assert_eq!(claims.roles, ["arn:b", "arn:a", "arn:c"]);
        assert_eq!(claims.preferred_role.as_deref(), Some("arn:b"));
    }

    #[test]
    fn ties_keep_a_shared_role_and_drop_differing_ones() {
        let same = token_groups(vec![
            group("a", Some(1), Some("arn:x")),
            group("b", Some(1), Some("arn:x")),
        ]);
        assert_eq!(same.preferred_role.as_deref(), Some("arn:x"));
        assert_eq!(same.roles, ["arn:x"]);
        let differ = token_groups(vec![
            group("a", Some(1), Some("arn:x")),
            group("b", Some(1), Some("arn:y")),
            group("c", Some(5), Some("arn:z")),
        ]);
        assert_eq!(differ.preferred_role, None);
        let unranked = token_groups(vec![
            group("a", None, Some("arn:x")),
            group("b", None, Some("arn:y")),
        ]);
        assert_eq!(unranked.preferred_role, None);
        let single = token_groups(vec![group("a", None, Some("arn:x"))]);
        assert_eq!(single.preferred_role.as_deref(), Some("arn:x"));
        assert!(token_groups(vec![]).groups.is_empty());
    }
}
