//! The registration list: one line per cognito-identity operation. An operation not built yet
//! is registered as unsupported and answers `UnsupportedOperationException` naming it.

use cognate_awsjson::Registry;
use cognate_model::identity::op;

pub fn registry() -> Registry {
    let mut r = Registry::new();
    r.unsupported::<op::CreateIdentityPool>();
    r.unsupported::<op::DeleteIdentities>();
    r.unsupported::<op::DeleteIdentityPool>();
    r.unsupported::<op::DescribeIdentity>();
    r.unsupported::<op::DescribeIdentityPool>();
    r.unsupported::<op::GetCredentialsForIdentity>();
    r.unsupported::<op::GetId>();
    r.unsupported::<op::GetIdentityPoolRoles>();
    r.unsupported::<op::GetOpenIdToken>();
    r.unsupported::<op::GetOpenIdTokenForDeveloperIdentity>();
    r.unsupported::<op::GetPrincipalTagAttributeMap>();
    r.unsupported::<op::ListIdentities>();
    r.unsupported::<op::ListIdentityPools>();
    r.unsupported::<op::ListTagsForResource>();
    r.unsupported::<op::LookupDeveloperIdentity>();
    r.unsupported::<op::MergeDeveloperIdentities>();
    r.unsupported::<op::SetIdentityPoolRoles>();
    r.unsupported::<op::SetPrincipalTagAttributeMap>();
    r.unsupported::<op::TagResource>();
    r.unsupported::<op::UnlinkDeveloperIdentity>();
    r.unsupported::<op::UnlinkIdentity>();
    r.unsupported::<op::UntagResource>();
    r.unsupported::<op::UpdateIdentityPool>();
    r
}
