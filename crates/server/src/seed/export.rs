//! Export: the store's state as a seed document, read through the Describe and List operations
//! and written in the shapes the create operations take, so that applying it to a fresh store
//! reproduces what they describe. Passwords are their sealed material (`PasswordHash`).

use base64::Engine;
use cognate_domain::ids::UserPoolId;
use serde_json::{Map, Value, json};

use super::{Services, failed, without};

/// What DescribeUserPool answers that CreateUserPool does not take (or takes from elsewhere in
/// the document: `Id`, the domains).
const POOL_READ_ONLY: &[&str] = &[
    "Arn",
    "CreationDate",
    "LastModifiedDate",
    "EstimatedNumberOfUsers",
    "Status",
    "Domain",
    "CustomDomain",
    "SmsConfigurationFailure",
    "EmailConfigurationFailure",
];
const DATES_AND_POOL: &[&str] = &["UserPoolId", "CreationDate", "LastModifiedDate"];

pub async fn export(services: &Services<'_>) -> anyhow::Result<Value> {
    let mut pools = Vec::new();
    for summary in idp_pages(services, "ListUserPools", json!({}), "UserPools").await? {
        let id = summary["Id"].as_str().unwrap_or_default().to_string();
        pools.push(export_pool(services, &id).await?);
    }
    let mut identity_pools = Vec::new();
    let listed = pages(
        services,
        Service::Identity,
        "ListIdentityPools",
        json!({}),
        "IdentityPools",
    );
    for summary in listed.await? {
        let id = summary["IdentityPoolId"].as_str().unwrap_or_default();
        identity_pools.push(export_identity_pool(services, id).await?);
    }
    Ok(json!({ "UserPools": pools, "IdentityPools": identity_pools }))
}

#[derive(Clone, Copy)]
enum Service {
    Idp,
    Identity,
}

/// Every item of a listing, page after page. The token member differs (`NextToken`,
/// `PaginationToken`); each answer names the one to send back.
async fn pages(
    services: &Services<'_>,
    service: Service,
    operation: &str,
    input: Value,
    items: &str,
) -> anyhow::Result<Vec<Value>> {
    let (size_member, size) = page_size(operation);
    let mut input = input;
    input[size_member] = json!(size);
    let mut all = Vec::new();
    loop {
        let call = match service {
            Service::Idp => services.idp_call(operation, input.clone()).await,
            Service::Identity => services.identity_call(operation, input.clone()).await,
        };
        let page = call.map_err(|e| failed(operation, e))?;
        all.extend(page[items].as_array().cloned().unwrap_or_default());
        let token = ["NextToken", "PaginationToken"]
            .into_iter()
            .find_map(|name| page[name].as_str().map(|token| (name, token.to_string())));
        match token {
            Some((name, token)) if !token.is_empty() => input[name] = json!(token),
            _ => return Ok(all),
        }
    }
}

async fn idp_pages(
    services: &Services<'_>,
    operation: &str,
    input: Value,
    items: &str,
) -> anyhow::Result<Vec<Value>> {
    pages(services, Service::Idp, operation, input, items).await
}

/// The page-size member of a listing and its largest value.
fn page_size(operation: &str) -> (&'static str, u32) {
    match operation {
        "ListUsers" | "ListGroups" | "AdminListGroupsForUser" => ("Limit", 60),
        "ListResourceServers" => ("MaxResults", 50),
        _ => ("MaxResults", 60),
    }
}

async fn idp_describe(
    services: &Services<'_>,
    operation: &str,
    input: Value,
) -> anyhow::Result<Value> {
    services
        .idp_call(operation, input)
        .await
        .map_err(|e| failed(operation, e))
}

fn members(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

async fn export_pool(services: &Services<'_>, id: &str) -> anyhow::Result<Value> {
    let key = json!({ "UserPoolId": id });
    let described = idp_describe(services, "DescribeUserPool", key.clone()).await?;
    let described = members(&described["UserPool"]);
    let mut pool = without(&described, POOL_READ_ONLY);
    if let Some(name) = pool.remove("Name") {
        pool.insert("PoolName".into(), name);
    }
    pool.remove("SchemaAttributes");
    let schema = cognate_idp::seed::create_schema(services.idp, &UserPoolId::new(id))
        .await
        .map_err(|e| failed(&format!("user pool {id}: schema"), e))?;
    if !schema.is_empty() {
        pool.insert("Schema".into(), serde_json::to_value(schema)?);
    }
    let mfa = idp_describe(services, "GetUserPoolMfaConfig", key.clone()).await?;
    pool.insert("MfaConfig".into(), mfa);
    let mut domains = Vec::new();
    for name in ["Domain", "CustomDomain"] {
        if let Some(domain) = described.get(name).and_then(Value::as_str) {
            let input = json!({ "Domain": domain });
            let found = idp_describe(services, "DescribeUserPoolDomain", input).await?;
            let description = &found["DomainDescription"];
            let mut entry = Map::new();
            for member in ["Domain", "CustomDomainConfig", "ManagedLoginVersion"] {
                if !description[member].is_null() {
                    entry.insert(member.into(), description[member].clone());
                }
            }
            domains.push(Value::Object(entry));
        }
    }
    pool.insert("Domains".into(), json!(domains));
    let servers = idp_pages(
        services,
        "ListResourceServers",
        key.clone(),
        "ResourceServers",
    );
    let servers: Vec<Value> = servers
        .await?
        .iter()
        .map(|server| Value::Object(without(&members(server), &["UserPoolId"])))
        .collect();
    pool.insert("ResourceServers".into(), json!(servers));
    pool.insert("Clients".into(), json!(export_clients(services, id).await?));
    let groups = idp_pages(services, "ListGroups", key.clone(), "Groups");
    let groups: Vec<Value> = groups
        .await?
        .iter()
        .map(|group| Value::Object(without(&members(group), DATES_AND_POOL)))
        .collect();
    pool.insert("Groups".into(), json!(groups));
    pool.insert("Users".into(), json!(export_users(services, id).await?));
    let mut entry = Map::new();
    entry.insert("Id".into(), json!(id));
    entry.extend(pool);
    Ok(Value::Object(entry))
}

async fn export_clients(services: &Services<'_>, pool_id: &str) -> anyhow::Result<Vec<Value>> {
    let listed = idp_pages(
        services,
        "ListUserPoolClients",
        json!({ "UserPoolId": pool_id }),
        "UserPoolClients",
    );
    let mut clients = Vec::new();
    for summary in listed.await? {
        let key = json!({ "UserPoolId": pool_id, "ClientId": summary["ClientId"] });
        let described = idp_describe(services, "DescribeUserPoolClient", key).await?;
        let mut client = without(&members(&described["UserPoolClient"]), DATES_AND_POOL);
        if client.contains_key("ClientSecret") {
            client.insert("GenerateSecret".into(), json!(true));
        }
        clients.push(Value::Object(client));
    }
    Ok(clients)
}

async fn export_users(services: &Services<'_>, pool_id: &str) -> anyhow::Result<Vec<Value>> {
    let listed = idp_pages(
        services,
        "ListUsers",
        json!({ "UserPoolId": pool_id }),
        "Users",
    );
    let pool = UserPoolId::new(pool_id);
    let mut users = Vec::new();
    for listed in listed.await? {
        let username = listed["Username"].as_str().unwrap_or_default();
        let mut user = Map::new();
        user.insert("Username".into(), json!(username));
        for member in ["UserAttributes", "UserStatus", "Enabled"] {
            let from = if member == "UserAttributes" {
                "Attributes"
            } else {
                member
            };
            user.insert(member.into(), listed[from].clone());
        }
        let key = json!({ "UserPoolId": pool_id, "Username": username });
        let groups = idp_pages(services, "AdminListGroupsForUser", key, "Groups").await?;
        let names: Vec<Value> = groups.iter().map(|g| g["GroupName"].clone()).collect();
        user.insert("Groups".into(), json!(names));
        let sealed = cognate_idp::seed::sealed_password(services.idp, &pool, username)
            .await
            .map_err(|e| failed(&format!("user pool {pool_id}: user {username}"), e))?;
        if let Some((sealed, temporary)) = sealed {
            let encoded = base64::engine::general_purpose::STANDARD.encode(sealed);
            user.insert("PasswordHash".into(), json!(encoded));
            user.insert("PasswordTemporary".into(), json!(temporary));
        }
        users.push(Value::Object(user));
    }
    Ok(users)
}

async fn export_identity_pool(services: &Services<'_>, id: &str) -> anyhow::Result<Value> {
    let key = json!({ "IdentityPoolId": id });
    let described = services
        .identity_call("DescribeIdentityPool", key.clone())
        .await
        .map_err(|e| failed(&format!("identity pool {id}"), e))?;
    let mut pool = members(&described);
    let roles = services
        .identity_call("GetIdentityPoolRoles", key)
        .await
        .map_err(|e| failed(&format!("identity pool {id}: roles"), e))?;
    for member in ["Roles", "RoleMappings"] {
        if !roles[member].is_null() {
            pool.insert(member.into(), roles[member].clone());
        }
    }
    Ok(Value::Object(pool))
}
