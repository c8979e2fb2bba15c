//! Provider links (AdminLinkProviderForUser, AdminDisableProviderForUser).
