//! App client settings: AWS's defaults, bounds and units for token validity, auth flows, and the
//! conversion to `UserPoolClientType`.

use cognate_domain::Timestamp;
use cognate_domain::client::{AppClient, ClientSecret, RefreshTokenRotation, TokenValidity};
use cognate_domain::ids::{ClientId, UserPoolId};
use cognate_model::idp as wire;
use serde_json::{Map, Value};

use crate::Idp;
use crate::errors::{Result, invalid_parameter};

/// Flows a client supports when created without `ExplicitAuthFlows`.
const DEFAULT_FLOWS: &[&str] = &[
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
];

/// Members of Create/UpdateUserPoolClient the domain holds typed; the rest is echoed.
const TYPED_MEMBERS: &[&str] = &[
    "UserPoolId",
    "ClientId",
    "ClientName",
    "GenerateSecret",
    "ClientSecret",
    "RefreshTokenValidity",
    "AccessTokenValidity",
    "IdTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
    "ExplicitAuthFlows",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "AuthSessionValidity",
    "RefreshTokenRotation",
];

/// The settings shared by CreateUserPoolClient and UpdateUserPoolClient, read off either input.
pub struct ClientSettings {
    pub name: Option<String>,
    pub access_validity: Option<i32>,
    pub id_validity: Option<i32>,
    pub refresh_validity: Option<i32>,
    pub units: Option<wire::TokenValidityUnitsType>,
    pub read_attributes: Option<Vec<String>>,
    pub write_attributes: Option<Vec<String>>,
    pub explicit_auth_flows: Option<Vec<wire::ExplicitAuthFlowsType>>,
    pub prevent_user_existence_errors: Option<wire::PreventUserExistenceErrorTypes>,
    pub enable_token_revocation: Option<bool>,
    pub auth_session_validity: Option<i32>,
    pub refresh_token_rotation: Option<wire::RefreshTokenRotationType>,
    /// The whole input as JSON, for the echo-only members.
    pub document: Value,
}

impl ClientSettings {
    pub fn from_create(input: &wire::CreateUserPoolClientRequest) -> Self {
        Self {
            name: Some(input.client_name.clone()),
            access_validity: input.access_token_validity,
            id_validity: input.id_token_validity,
            refresh_validity: input.refresh_token_validity,
            units: input.token_validity_units.clone(),
            read_attributes: input.read_attributes.clone(),
            write_attributes: input.write_attributes.clone(),
            explicit_auth_flows: input.explicit_auth_flows.clone(),
            prevent_user_existence_errors: input.prevent_user_existence_errors,
            enable_token_revocation: input.enable_token_revocation,
            auth_session_validity: input.auth_session_validity,
            refresh_token_rotation: input.refresh_token_rotation.clone(),
            document: serde_json::to_value(input).unwrap_or(Value::Null),
        }
    }

    pub fn from_update(input: &wire::UpdateUserPoolClientRequest) -> Self {
        Self {
            name: input.client_name.clone(),
            access_validity: input.access_token_validity,
            id_validity: input.id_token_validity,
            refresh_validity: input.refresh_token_validity,
            units: input.token_validity_units.clone(),
            read_attributes: input.read_attributes.clone(),
            write_attributes: input.write_attributes.clone(),
            explicit_auth_flows: input.explicit_auth_flows.clone(),
            prevent_user_existence_errors: input.prevent_user_existence_errors,
            enable_token_revocation: input.enable_token_revocation,
            auth_session_validity: input.auth_session_validity,
            refresh_token_rotation: input.refresh_token_rotation.clone(),
            document: serde_json::to_value(input).unwrap_or(Value::Null),
        }
    }
}

pub fn new_client(
    pool_id: UserPoolId,
    client_id: ClientId,
    settings: &ClientSettings,
    now: Timestamp,
) -> Result<AppClient> {
    let mut client = AppClient {
        pool_id,
        client_id,
        name: settings.name.clone().unwrap_or_default(),
        created_at: now,
        last_modified_at: now,
        secrets: Vec::new(),
        explicit_auth_flows: Vec::new(),
        token_validity: default_validity(),
        read_attributes: Vec::new(),
        write_attributes: Vec::new(),
        prevent_user_existence_errors: false,
        enable_token_revocation: true,
        auth_session_validity_minutes: 3,
        refresh_token_rotation: None,
        settings: Map::new(),
    };
    apply(&mut client, settings, now)?;
    Ok(client)
}

/// Applies create/update settings. As in AWS, an update resets what it omits to the default.
pub fn apply(client: &mut AppClient, settings: &ClientSettings, now: Timestamp) -> Result<()> {
    if let Some(name) = &settings.name {
        client.name = name.clone();
    }
    client.explicit_auth_flows = auth_flows(settings.explicit_auth_flows.as_deref())?;
    client.token_validity = token_validity(settings)?;
    client.read_attributes = settings.read_attributes.clone().unwrap_or_default();
    client.write_attributes = settings.write_attributes.clone().unwrap_or_default();
    client.prevent_user_existence_errors = matches!(
        settings.prevent_user_existence_errors,
        Some(wire::PreventUserExistenceErrorTypes::Enabled)
    );
    client.enable_token_revocation = settings.enable_token_revocation.unwrap_or(true);
    client.auth_session_validity_minutes = auth_session_validity(settings.auth_session_validity)?;
    client.refresh_token_rotation =
        settings
            .refresh_token_rotation
            .as_ref()
            .map(|rotation| RefreshTokenRotation {
                enabled: matches!(rotation.feature, wire::FeatureType::Enabled),
                retry_grace_period_secs: rotation.retry_grace_period_seconds.unwrap_or(0).max(0)
                    as u32,
            });
    client.settings = echo_settings(&settings.document);
    client.last_modified_at = now;
    Ok(())
}

fn echo_settings(document: &Value) -> Map<String, Value> {
    let mut settings = Map::new();
    if let Value::Object(given) = document {
        for (key, value) in given {
            if !TYPED_MEMBERS.contains(&key.as_str()) && !value.is_null() {
                settings.insert(key.clone(), value.clone());
            }
        }
    }
    settings
}

fn auth_flows(given: Option<&[wire::ExplicitAuthFlowsType]>) -> Result<Vec<String>> {
    let Some(given) = given else {
        return Ok(DEFAULT_FLOWS.iter().map(|f| f.to_string()).collect());
    };
    let flows: Vec<String> = given.iter().map(|f| f.as_str().to_string()).collect();
    let modern = flows.iter().filter(|f| f.starts_with("ALLOW_")).count();
    if modern != 0 && modern != flows.len() {
        return Err(invalid_parameter(
            "The combination of legacy ExplicitAuthFlows values and values that begin with ALLOW_ is not supported.",
        ));
    }
    let mut unique = Vec::with_capacity(flows.len());
    for flow in flows {
        if !unique.contains(&flow) {
            unique.push(flow);
        }
    }
    Ok(unique)
}

fn default_validity() -> TokenValidity {
    TokenValidity {
        access_token_secs: 3600,
        id_token_secs: 3600,
        refresh_token_secs: 30 * 86_400,
        access_token_value: 60,
        id_token_value: 60,
        refresh_token_value: 30,
        access_token_unit: "minutes".into(),
        id_token_unit: "minutes".into(),
        refresh_token_unit: "days".into(),
        units_given: false,
    }
}

fn unit_secs(unit: &str) -> i64 {
    match unit {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3600,
        _ => 86_400,
    }
}

/// AWS's bounds: access and ID tokens 5 minutes to 1 day, refresh tokens 60 minutes to 10 years.
/// A value given without a unit is in hours (access, ID) or days (refresh).
fn token_validity(settings: &ClientSettings) -> Result<TokenValidity> {
    let mut validity = default_validity();
    let units = settings.units.as_ref();
    let unit_of = |unit: Option<wire::TimeUnitsType>, default: &str| {
        unit.map_or(default.to_string(), |u| u.as_str().to_string())
    };
    validity.units_given = units.is_some();
    let access_unit = unit_of(units.and_then(|u| u.access_token), "hours");
    let id_unit = unit_of(units.and_then(|u| u.id_token), "hours");
    let refresh_unit = unit_of(units.and_then(|u| u.refresh_token), "days");
    if let Some(value) = settings.access_validity {
        validity.access_token_value = i64::from(value);
        validity.access_token_secs = i64::from(value) * unit_secs(&access_unit);
        validity.access_token_unit = access_unit;
    } else if units.and_then(|u| u.access_token).is_some() {
        validity.access_token_unit = access_unit;
        validity.access_token_value = 3600 / unit_secs(&validity.access_token_unit).min(3600);
    }
    if let Some(value) = settings.id_validity {
        validity.id_token_value = i64::from(value);
        validity.id_token_secs = i64::from(value) * unit_secs(&id_unit);
        validity.id_token_unit = id_unit;
    } else if units.and_then(|u| u.id_token).is_some() {
        validity.id_token_unit = id_unit;
        validity.id_token_value = 3600 / unit_secs(&validity.id_token_unit).min(3600);
    }
    if let Some(value) = settings.refresh_validity {
        validity.refresh_token_value = i64::from(value);
        validity.refresh_token_secs = i64::from(value) * unit_secs(&refresh_unit);
        validity.refresh_token_unit = refresh_unit;
    } else if units.and_then(|u| u.refresh_token).is_some() {
        validity.refresh_token_unit = refresh_unit;
        validity.refresh_token_value = 30 * 86_400 / unit_secs(&validity.refresh_token_unit);
    }
    check_range("Access token", validity.access_token_secs, 300, 86_400)?;
    check_range("ID token", validity.id_token_secs, 300, 86_400)?;
    check_range(
        "Refresh token",
        validity.refresh_token_secs,
        3600,
        315_360_000,
    )?;
    Ok(validity)
}

fn check_range(what: &str, secs: i64, min: i64, max: i64) -> Result<()> {
    if secs < min || secs > max {
        return Err(invalid_parameter(format!(
            "{what} validity must be between {} and {}.",
            describe(min),
            describe(max)
        )));
    }
    Ok(())
}

fn describe(secs: i64) -> String {
    match secs {
        300 => "5 minutes".into(),
        3600 => "60 minutes".into(),
        86_400 => "1 day".into(),
        _ => "10 years".into(),
    }
}

fn auth_session_validity(minutes: Option<i32>) -> Result<u32> {
    let minutes = minutes.unwrap_or(3);
    if !(3..=15).contains(&minutes) {
        return Err(invalid_parameter(
            "AuthSessionValidity must be between 3 and 15 minutes.",
        ));
    }
    Ok(minutes as u32)
}

/// The full `UserPoolClientType`, with its secret opened for the client.
pub fn wire_client(idp: &Idp, client: &AppClient) -> Result<wire::UserPoolClientType> {
    let mut out: wire::UserPoolClientType =
        serde_json::from_value(Value::Object(client.settings.clone())).unwrap_or_default();
    let validity = &client.token_validity;
    out.user_pool_id = Some(client.pool_id.to_string());
    out.client_id = Some(client.client_id.to_string().into());
    out.client_name = Some(client.name.clone());
    out.client_secret = match client.secrets.first() {
        Some(secret) => Some(open_secret(idp, client, secret)?.into()),
        None => None,
    };
    out.creation_date = Some(client.created_at.epoch_seconds());
    out.last_modified_date = Some(client.last_modified_at.epoch_seconds());
    out.access_token_validity = Some(validity.access_token_value as i32);
    out.id_token_validity = Some(validity.id_token_value as i32);
    out.refresh_token_validity = Some(validity.refresh_token_value as i32);
    out.token_validity_units = Some(wire::TokenValidityUnitsType {
        access_token: serde_json::from_value(Value::String(validity.access_token_unit.clone()))
            .ok(),
        id_token: serde_json::from_value(Value::String(validity.id_token_unit.clone())).ok(),
        refresh_token: serde_json::from_value(Value::String(validity.refresh_token_unit.clone()))
            .ok(),
    });
    out.read_attributes =
        (!client.read_attributes.is_empty()).then(|| client.read_attributes.clone());
    out.write_attributes =
        (!client.write_attributes.is_empty()).then(|| client.write_attributes.clone());
    out.explicit_auth_flows = Some(
        client
            .explicit_auth_flows
            .iter()
            .filter_map(|f| serde_json::from_value(Value::String(f.clone())).ok())
            .collect(),
    );
    out.prevent_user_existence_errors = Some(if client.prevent_user_existence_errors {
        wire::PreventUserExistenceErrorTypes::Enabled
    } else {
        wire::PreventUserExistenceErrorTypes::Legacy
    });
    out.enable_token_revocation = Some(client.enable_token_revocation);
    out.auth_session_validity = Some(client.auth_session_validity_minutes as i32);
    out.allowed_oauth_flows_user_pool_client
        .get_or_insert(false);
    out.enable_propagate_additional_user_context_data
        .get_or_insert(false);
    out.refresh_token_rotation =
        client
            .refresh_token_rotation
            .as_ref()
            .map(|rotation| wire::RefreshTokenRotationType {
                feature: if rotation.enabled {
                    wire::FeatureType::Enabled
                } else {
                    wire::FeatureType::Disabled
                },
                retry_grace_period_seconds: Some(rotation.retry_grace_period_secs as i32),
            });
    Ok(out)
}

/// The plaintext of a stored client secret. The AAD binds it to its client.
pub fn open_secret(idp: &Idp, client: &AppClient, secret: &ClientSecret) -> Result<String> {
    let plain = idp.seal.open(&secret.sealed, client.client_id.as_str().as_bytes()).map_err(|error| {
        tracing::error!(%error, client = %client.client_id, "a client secret could not be opened");
        cognate_awsjson::ApiError::internal()
    })?;
    String::from_utf8(plain).map_err(|_| cognate_awsjson::ApiError::internal())
}

pub fn seal_secret(
    idp: &Idp,
    client_id: &ClientId,
    secret_id: String,
    plain: &str,
    now: Timestamp,
) -> ClientSecret {
    ClientSecret {
        secret_id,
        sealed: idp
            .seal
            .seal(plain.as_bytes(), client_id.as_str().as_bytes()),
        created_at: now,
    }
}

/// Secret ids only need to be unique within their client.
pub fn new_secret_id() -> String {
    cognate_crypto::secrets::random_client_id()
}

/// AWS keeps at most two secrets per client, for rotation.
pub const MAX_SECRETS: usize = 2;
