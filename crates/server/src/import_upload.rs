//! `PUT /_cognate/import/{poolId}/{jobId}?expires=…&signature=…`: the pre-signed URL of
//! CreateUserImportJob, served by Cognate in place of S3. The signature authorises the upload
//! (no other credentials, as with S3's pre-signed URLs) and is checked before the body is read;
//! the body is read as it streams in, up to AWS's 100 MB. Headers S3 clients send
//! (`x-amz-server-side-encryption: aws:kms`, content type) are accepted and ignored. Refusals
//! are S3-style XML errors.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cognate_idp::import::upload::{MAX_CSV_BYTES, UploadRefusal, UploadTarget};
use http_body_util::{BodyExt, Limited};
use serde::Deserialize;

use crate::routes::AppState;

#[derive(Deserialize)]
pub struct Signed {
    #[serde(default)]
    expires: i64,
    #[serde(default)]
    signature: String,
}

pub async fn put(
    State(state): State<AppState>,
    Path((pool_id, job_id)): Path<(String, String)>,
    Query(signed): Query<Signed>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let target = UploadTarget {
        pool_id: &pool_id,
        job_id: &job_id,
        expires: signed.expires,
        signature: &signed.signature,
    };
    if let Err(refusal) = state.idp.check_upload_url(&target) {
        return refused(refusal);
    }
    let csv = match read_limited(&headers, body).await {
        Ok(csv) => csv,
        Err(response) => return response,
    };
    match state.idp.accept_upload(&target, &csv).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(refusal) => refused(refusal),
    }
}

async fn read_limited(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, Response> {
    let too_large = || {
        s3_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_CSV_BYTES) {
        return Err(too_large());
    }
    match Limited::new(body, MAX_CSV_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(s3_error(
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            "The request body could not be read",
        )),
    }
}

fn refused(refusal: UploadRefusal) -> Response {
    match refusal {
        UploadRefusal::AccessDenied(message) => {
            s3_error(StatusCode::FORBIDDEN, "AccessDenied", message)
        }
        UploadRefusal::JobNotOpen => s3_error(
            StatusCode::CONFLICT,
            "InvalidRequest",
            "The import job has already started: its file can no longer be replaced.",
        ),
        UploadRefusal::Internal => s3_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "We encountered an internal error. Please try again.",
        ),
    }
}

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}
