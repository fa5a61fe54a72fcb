//! Conversation logs.
