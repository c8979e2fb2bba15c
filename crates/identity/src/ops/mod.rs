//! The registration list: one line per cognito-identity operation. An operation not built yet
//! is registered as unsupported and answers `UnsupportedOperationException` naming it.

pub(crate) mod create_identity_pool;
mod delete_identities;
mod delete_identity_pool;
mod describe_identity;
mod describe_identity_pool;
mod get_credentials_for_identity;
mod get_id;
mod get_identity_pool_roles;
mod get_open_id_token;
mod get_open_id_token_for_developer_identity;
mod get_principal_tag_attribute_map;
mod identities;
mod list_identities;
mod list_identity_pools;
mod list_tags_for_resource;
mod lookup_developer_identity;
mod merge_developer_identities;
mod principal_tags;
mod set_identity_pool_roles;
mod set_principal_tag_attribute_map;
mod tag_resource;
mod tags;
mod unlink_developer_identity;
mod unlink_identity;
mod untag_resource;
mod update_identity_pool;
mod validate;

use cognate_awsjson::Registry;
use cognate_model::identity::op;

use crate::Identity;

pub fn registry(identity: &Identity) -> Registry {
    let i = identity;
    let mut r = Registry::new();
    r.add::<op::CreateIdentityPool, _>(i, create_identity_pool::handle);
    r.add::<op::DeleteIdentities, _>(i, delete_identities::handle);
    r.add::<op::DeleteIdentityPool, _>(i, delete_identity_pool::handle);
    r.add::<op::DescribeIdentity, _>(i, describe_identity::handle);
    r.add::<op::DescribeIdentityPool, _>(i, describe_identity_pool::handle);
    r.add::<op::GetCredentialsForIdentity, _>(i, get_credentials_for_identity::handle);
    r.add::<op::GetId, _>(i, get_id::handle);
    r.add::<op::GetIdentityPoolRoles, _>(i, get_identity_pool_roles::handle);
    r.add::<op::GetOpenIdToken, _>(i, get_open_id_token::handle);
    r.add::<op::GetOpenIdTokenForDeveloperIdentity, _>(
        i,
        get_open_id_token_for_developer_identity::handle,
    );
    r.add::<op::GetPrincipalTagAttributeMap, _>(i, get_principal_tag_attribute_map::handle);
    r.add::<op::ListIdentities, _>(i, list_identities::handle);
    r.add::<op::ListIdentityPools, _>(i, list_identity_pools::handle);
    r.add::<op::ListTagsForResource, _>(i, list_tags_for_resource::handle);
    r.add::<op::LookupDeveloperIdentity, _>(i, lookup_developer_identity::handle);
    r.add::<op::MergeDeveloperIdentities, _>(i, merge_developer_identities::handle);
    r.add::<op::SetIdentityPoolRoles, _>(i, set_identity_pool_roles::handle);
    r.add::<op::SetPrincipalTagAttributeMap, _>(i, set_principal_tag_attribute_map::handle);
    r.add::<op::TagResource, _>(i, tag_resource::handle);
    r.add::<op::UnlinkDeveloperIdentity, _>(i, unlink_developer_identity::handle);
    r.add::<op::UnlinkIdentity, _>(i, unlink_identity::handle);
    r.add::<op::UntagResource, _>(i, untag_resource::handle);
    r.add::<op::UpdateIdentityPool, _>(i, update_identity_pool::handle);
    r
}
