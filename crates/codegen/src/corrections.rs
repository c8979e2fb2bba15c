//! Where AWS's service accepts what its published model refuses, the model is corrected here,
//! one constraint at a time, each with what the model says, what the service does and why we
//! know. A correction whose model text has changed fails the generator, so a new botocore is
//! looked at again rather than silently overridden.

use anyhow::{Result, bail};

use crate::botocore::Model;

/// A shape's pattern as the model writes it, and the pattern the service enforces.
struct PatternCorrection {
    service: &'static str,
    shape: &'static str,
    model: &'static str,
    enforced: &'static str,
}

const PATTERNS: &[PatternCorrection] = &[
    // DomainType: the model allows a prefix only (`auth`), but CreateUserPoolDomain with a
    // CustomDomainConfig takes a fully-qualified name (`auth.example.com`, the API reference's
    // own example), and Describe/Update/DeleteUserPoolDomain name it the same way. The service
    // checks the prefix rule itself for prefix domains (crates/idp's `hosted::domains`), so
    // the generic check allows dot-separated labels of the same shape.
    PatternCorrection {
        service: "cognito-idp",
        shape: "DomainType",
        model: r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$",
        enforced: r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)*$",
    },
];

/// Applies the corrections of `service` to its model.
pub fn apply(service: &str, model: &mut Model) -> Result<()> {
    for correction in PATTERNS.iter().filter(|c| c.service == service) {
        let Some(shape) = model
            .shapes
            .0
            .iter_mut()
            .find(|(name, _)| name == correction.shape)
            .map(|(_, shape)| shape)
        else {
            bail!("correction of {}: no such shape", correction.shape);
        };
        if shape.pattern.as_deref() != Some(correction.model) {
            bail!(
                "correction of {}: the model's pattern is now {:?}; check the correction again",
                correction.shape,
                shape.pattern
            );
        }
        shape.pattern = Some(correction.enforced.to_string());
    }
    Ok(())
}
