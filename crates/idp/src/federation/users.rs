//! The users federated sign-ins make.
