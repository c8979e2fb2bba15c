//! Applying a seed file: each entity created through its operation when its key is not in the
//! store yet, left as it is when it is.

use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use cognate_awsjson::decode_value;
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_domain::user::UserStatus;
use cognate_idp::seed::{self as idp_seed, SeedPassword, SeedUser};
use cognate_model::identity::op as identity_op;
use cognate_model::idp::op as idp_op;
use serde_json::{Map, Value, json};

use super::{Services, failed, without};

/// The members of a pool entry that are the seed's own, not CreateUserPool's.
const POOL_PARTS: &[&str] = &[
    "Id",
    "MfaConfig",
    "Domains",
    "ResourceServers",
    "Clients",
    "Groups",
    "Users",
];
const USER_MEMBERS: &[&str] = &[
    "Username",
    "UserAttributes",
    "UserStatus",
    "Enabled",
    "Groups",
    "Password",
    "PasswordHash",
    "PasswordTemporary",
];
const IDENTITY_POOL_PARTS: &[&str] = &["IdentityPoolId", "Roles", "RoleMappings"];

/// How many entities a seed created, and how many it found already there.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub created: usize,
    pub kept: usize,
}

impl Tally {
    fn count(&mut self, created: bool) {
        match created {
            true => self.created += 1,
            false => self.kept += 1,
        }
    }
}

/// Reads and applies the seed file at `path`.
pub async fn apply_file(services: &Services<'_>, path: &Path) -> anyhow::Result<Tally> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the seed file {}", path.display()))?;
    let document: Value = serde_json::from_str(&text)
        .with_context(|| format!("the seed file {} is not JSON", path.display()))?;
    let tally = apply(services, &document)
        .await
        .with_context(|| format!("applying the seed file {}", path.display()))?;
    tracing::info!(
        file = %path.display(),
        created = tally.created,
        already_there = tally.kept,
        "seed applied"
    );
    Ok(tally)
}

pub async fn apply(services: &Services<'_>, document: &Value) -> anyhow::Result<Tally> {
    let root = object(document, "the seed")?;
    check_members(root, &["UserPools", "IdentityPools"], "the seed")?;
    let mut tally = Tally::default();
    for pool in list(root, "UserPools")? {
        apply_pool(services, object(pool, "a user pool")?, &mut tally).await?;
    }
    for pool in list(root, "IdentityPools")? {
        let pool = object(pool, "an identity pool")?;
        tally.count(apply_identity_pool(services, pool).await?);
    }
    Ok(tally)
}

fn object<'v>(value: &'v Value, what: &str) -> anyhow::Result<&'v Map<String, Value>> {
    value
        .as_object()
        .with_context(|| format!("{what} must be a JSON object"))
}

fn string<'v>(object: &'v Map<String, Value>, key: &str, what: &str) -> anyhow::Result<&'v str> {
    object
        .get(key)
        .and_then(Value::as_str)
        .with_context(|| format!("{what} needs {key} (a string)"))
}

/// The array `key` of `object`; empty when absent.
fn list<'v>(object: &'v Map<String, Value>, key: &str) -> anyhow::Result<&'v [Value]> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => bail!("{key} must be an array"),
    }
}

/// Refuses members outside `allowed`: a misspelt one would otherwise be dropped silently.
fn check_members(object: &Map<String, Value>, allowed: &[&str], what: &str) -> anyhow::Result<()> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => bail!(
            "{what} has an unknown member {key} (known: {})",
            allowed.join(", ")
        ),
        None => Ok(()),
    }
}

/// `entry` with `UserPoolId` set to `pool_id`, as the pool's operations take it.
fn in_pool(entry: &Map<String, Value>, pool_id: &str) -> Value {
    let mut input = entry.clone();
    input.insert("UserPoolId".into(), json!(pool_id));
    Value::Object(input)
}

async fn apply_pool(
    services: &Services<'_>,
    entry: &Map<String, Value>,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let id = string(entry, "Id", "a user pool")?;
    let what = format!("user pool {id}");
    // The id must be one operations can name: the model's pattern for UserPoolId.
    decode_value::<idp_op::DescribeUserPool>(json!({ "UserPoolId": id }))
        .map_err(|e| failed(&what, e))?;
    let pool_id = UserPoolId::new(id);
    let exists = idp_seed::pool_exists(services.idp, &pool_id)
        .await
        .map_err(|e| failed(&what, e))?;
    if !exists {
        let input =
            decode_value::<idp_op::CreateUserPool>(Value::Object(without(entry, POOL_PARTS)))
                .map_err(|e| failed(&what, e))?;
        idp_seed::create_pool(services.idp, pool_id.clone(), &input)
            .await
            .map_err(|e| failed(&what, e))?;
        if let Some(mfa) = entry.get("MfaConfig") {
            let mfa = in_pool(object(mfa, "MfaConfig")?, id);
            services
                .idp_call("SetUserPoolMfaConfig", mfa)
                .await
                .map_err(|e| failed(&format!("{what}: MfaConfig"), e))?;
        }
    }
    tally.count(!exists);
    for domain in list(entry, "Domains")? {
        tally.count(apply_domain(services, id, object(domain, "a domain")?).await?);
    }
    for server in list(entry, "ResourceServers")? {
        let server = object(server, "a resource server")?;
        tally.count(apply_resource_server(services, id, server).await?);
    }
    for client in list(entry, "Clients")? {
        let client = object(client, "a client")?;
        tally.count(apply_client(services, &pool_id, client).await?);
    }
    for group in list(entry, "Groups")? {
        tally.count(apply_group(services, id, object(group, "a group")?).await?);
    }
    for user in list(entry, "Users")? {
        tally.count(apply_user(services, &pool_id, object(user, "a user")?).await?);
    }
    Ok(())
}

/// Creates the domain unless this pool has it. Whether it was created.
async fn apply_domain(
    services: &Services<'_>,
    pool_id: &str,
    entry: &Map<String, Value>,
) -> anyhow::Result<bool> {
    let domain = string(entry, "Domain", "a domain")?;
    let what = format!("user pool {pool_id}: domain {domain}");
    let described = services
        .idp_call("DescribeUserPoolDomain", json!({ "Domain": domain }))
        .await
        .map_err(|e| failed(&what, e))?;
    if described["DomainDescription"]["UserPoolId"] == pool_id {
        return Ok(false);
    }
    services
        .idp_call("CreateUserPoolDomain", in_pool(entry, pool_id))
        .await
        .map_err(|e| failed(&what, e))?;
    Ok(true)
}

async fn apply_resource_server(
    services: &Services<'_>,
    pool_id: &str,
    entry: &Map<String, Value>,
) -> anyhow::Result<bool> {
    let identifier = string(entry, "Identifier", "a resource server")?;
    let what = format!("user pool {pool_id}: resource server {identifier}");
    let key = json!({ "UserPoolId": pool_id, "Identifier": identifier });
    match services.idp_call("DescribeResourceServer", key).await {
        Ok(_) => return Ok(false),
        Err(error) if error.code == "ResourceNotFoundException" => {}
        Err(error) => return Err(failed(&what, error)),
    }
    services
        .idp_call("CreateResourceServer", in_pool(entry, pool_id))
        .await
        .map_err(|e| failed(&what, e))?;
    Ok(true)
}

async fn apply_client(
    services: &Services<'_>,
    pool_id: &UserPoolId,
    entry: &Map<String, Value>,
) -> anyhow::Result<bool> {
    let client_id = string(entry, "ClientId", "a client")?;
    let what = format!("user pool {pool_id}: client {client_id}");
    let key = json!({ "UserPoolId": pool_id.as_str(), "ClientId": client_id });
    decode_value::<idp_op::DescribeUserPoolClient>(key).map_err(|e| failed(&what, e))?;
    let client_id = ClientId::new(client_id);
    match idp_seed::client_pool(services.idp, &client_id)
        .await
        .map_err(|e| failed(&what, e))?
    {
        Some(owner) if owner == *pool_id => return Ok(false),
        Some(owner) => bail!("{what}: the client id belongs to user pool {owner}"),
        None => {}
    }
    let mut input = without(entry, &["ClientId"]);
    // A secret given is a secret wanted: GenerateSecret is implied.
    if input.contains_key("ClientSecret") {
        input.entry("GenerateSecret").or_insert(json!(true));
    }
    let input = decode_value::<idp_op::CreateUserPoolClient>(in_pool(&input, pool_id.as_str()))
        .map_err(|e| failed(&what, e))?;
    idp_seed::create_client(services.idp, client_id, &input)
        .await
        .map_err(|e| failed(&what, e))?;
    Ok(true)
}

async fn apply_group(
    services: &Services<'_>,
    pool_id: &str,
    entry: &Map<String, Value>,
) -> anyhow::Result<bool> {
    let name = string(entry, "GroupName", "a group")?;
    match services
        .idp_call("CreateGroup", in_pool(entry, pool_id))
        .await
    {
        Ok(_) => Ok(true),
        Err(error) if error.code == "GroupExistsException" => Ok(false),
        Err(error) => Err(failed(&format!("user pool {pool_id}: group {name}"), error)),
    }
}

async fn apply_user(
    services: &Services<'_>,
    pool_id: &UserPoolId,
    entry: &Map<String, Value>,
) -> anyhow::Result<bool> {
    let username = string(entry, "Username", "a user")?;
    let what = format!("user pool {pool_id}: user {username}");
    check_members(entry, USER_MEMBERS, &what)?;
    let exists = idp_seed::user_exists(services.idp, pool_id, username)
        .await
        .map_err(|e| failed(&what, e))?;
    if exists {
        return Ok(false);
    }
    let user = seed_user(entry, username).with_context(|| what.clone())?;
    idp_seed::create_user(services.idp, pool_id, user)
        .await
        .map_err(|e| failed(&what, e))?;
    for group in list(entry, "Groups")? {
        let group = group.as_str().context("Groups lists group names")?;
        let membership = json!({
            "UserPoolId": pool_id.as_str(),
            "Username": username,
            "GroupName": group,
        });
        services
            .idp_call("AdminAddUserToGroup", membership)
            .await
            .map_err(|e| failed(&format!("{what}: group {group}"), e))?;
    }
    Ok(true)
}

fn seed_user(entry: &Map<String, Value>, username: &str) -> anyhow::Result<SeedUser> {
    let mut attributes = Vec::new();
    for attribute in list(entry, "UserAttributes")? {
        let attribute = object(attribute, "an attribute")?;
        let name = string(attribute, "Name", "an attribute")?;
        let value = attribute.get("Value").and_then(Value::as_str).unwrap_or("");
        attributes.push((name.to_string(), value.to_string()));
    }
    let status_name = entry
        .get("UserStatus")
        .and_then(Value::as_str)
        .unwrap_or("CONFIRMED");
    let status = UserStatus::parse(status_name)
        .with_context(|| format!("unknown UserStatus {status_name}"))?;
    let password = match (entry.get("Password"), entry.get("PasswordHash")) {
        (Some(_), Some(_)) => bail!("give Password or PasswordHash, not both"),
        (Some(clear), None) => Some(SeedPassword::Clear(
            clear
                .as_str()
                .context("Password must be a string")?
                .to_string(),
        )),
        (None, Some(sealed)) => {
            let sealed = sealed.as_str().context("PasswordHash must be a string")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(sealed)
                .context("PasswordHash must be base64")?;
            Some(SeedPassword::Sealed(bytes))
        }
        (None, None) => None,
    };
    Ok(SeedUser {
        username: username.to_string(),
        attributes,
        status,
        enabled: entry
            .get("Enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        password,
        temporary: entry
            .get("PasswordTemporary")
            .and_then(Value::as_bool)
            .unwrap_or(status == UserStatus::ForceChangePassword),
    })
}

/// Creates the identity pool unless it exists, with its roles. Whether it was created.
async fn apply_identity_pool(
    services: &Services<'_>,
    entry: &Map<String, Value>,
) -> anyhow::Result<bool> {
    let id = string(entry, "IdentityPoolId", "an identity pool")?;
    let what = format!("identity pool {id}");
    decode_value::<identity_op::DescribeIdentityPool>(json!({ "IdentityPoolId": id }))
        .map_err(|e| failed(&what, e))?;
    let exists = cognate_identity::seed::pool_exists(services.identity, id)
        .await
        .map_err(|e| failed(&what, e))?;
    if exists {
        return Ok(false);
    }
    let input = decode_value::<identity_op::CreateIdentityPool>(Value::Object(without(
        entry,
        IDENTITY_POOL_PARTS,
    )))
    .map_err(|e| failed(&what, e))?;
    cognate_identity::seed::create_pool(services.identity, id.to_string(), input)
        .await
        .map_err(|e| failed(&what, e))?;
    if entry.contains_key("Roles") || entry.contains_key("RoleMappings") {
        let mut roles = Map::new();
        roles.insert("IdentityPoolId".into(), json!(id));
        roles.insert(
            "Roles".into(),
            entry.get("Roles").cloned().unwrap_or(json!({})),
        );
        if let Some(mappings) = entry.get("RoleMappings") {
            roles.insert("RoleMappings".into(), mappings.clone());
        }
        services
            .identity_call("SetIdentityPoolRoles", Value::Object(roles))
            .await
            .map_err(|e| failed(&format!("{what}: roles"), e))?;
    }
    Ok(true)
}
