//! Grouping messages into threads and threads into tickets.

use super::{ConversationLog, Message};
use crate::stats::quantile_sorted;
use crate::ticket::Ticket;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Counts and reply-time figures of a rebuilt log.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ThreadStats {
    /// Message rows accepted.
    pub messages: u64,
    /// Message rows rejected.
    pub rejected: u64,
    /// Tickets rebuilt (threads started by a customer).
    pub threads: u64,
    /// Of those, threads whose last message is the customer's (open).
    pub open_threads: u64,
    /// Company **human** messages inside tickets (the sum of the tickets'
    /// `replies`).
    pub replies: u64,
    /// Automated company messages inside tickets (bot acknowledgements,
    /// auto-replies, system messages): never replies nor first responses.
    pub bot_messages: u64,
    /// Tickets where only automation answered (no human reply): open and
    /// unanswered.
    pub threads_bot_only: u64,
    /// `replies / threads`: how many company messages a ticket takes.
    pub replies_per_thread_mean: Option<f64>,
    /// Median company messages per ticket.
    pub replies_per_thread_median: Option<f64>,
    /// Tickets with at least one company human reply.
    pub threads_replied: u64,
    /// `threads_replied / threads`: the share of customers who got any
    /// answer (the log's response rate).
    pub replied_share: Option<f64>,
    /// Mean messages (customer and company) per ticket.
    pub messages_per_thread_mean: Option<f64>,
    /// Messages in no ticket (company-started threads, reply cycles,
    /// company messages before the customer's first message, internal
    /// notes and workflow events).
    pub skipped_messages: u64,
    /// Rows that are internal notes or bodiless workflow events (a
    /// `part_type`/`message_type`/`public` column says so): in no thread.
    pub internal_messages: u64,
    /// Reply delays measured (see [`ThreadStats::median_reply_minutes`]).
    pub replies_measured: u64,
    /// Mean delay of a company reply after the customer message it answers, minutes.
    pub mean_reply_minutes: Option<f64>,
    /// Median of the same delays. With reply links, a reply answers its parent
    /// (when the parent is a customer message); with conversation ids, the
    /// first company message after one or more customer messages answers the
    /// earliest of them. Negative delays (clock errors) are left out.
    pub median_reply_minutes: Option<f64>,
    /// 90th percentile of the same delays (linear interpolation, as every
    /// quantile in ticketlens).
    pub p90_reply_minutes: Option<f64>,
}

/// Minutes between two instants.
fn minutes(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 60_000.0
}

/// Threads from reply links: follow each message's parent to its root.
pub(super) fn by_reply_links(messages: Vec<Message>, log: &mut ConversationLog) {
    let n = messages.len();
    let index: HashMap<&str, usize> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let parent: Vec<Option<usize>> = messages
        .iter()
        .map(|m| m.parent.as_deref().and_then(|p| index.get(p).copied()))
        .collect();
    drop(index);

    // Reply delays: each company human reply whose parent is a customer
    // message.
    let mut delays = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        if let Some(p) = parent[i] {
            let pm = &messages[p];
            if !m.inbound && !m.bot && pm.inbound {
                let d = minutes(pm.at, m.at);
                if d >= 0.0 {
                    delays.push(d);
                }
            }
        }
    }

    // Root of every message, iteratively (threads can be long), with cycle detection.
    const CYCLE: usize = usize::MAX;
    let mut root: Vec<Option<usize>> = vec![None; n];
    let mut on_path = vec![false; n];
    let mut path = Vec::new();
    for start in 0..n {
        if root[start].is_some() {
            continue;
        }
        let mut j = start;
        let r = loop {
            if let Some(r) = root[j] {
                break r;
            }
            if on_path[j] {
                break CYCLE;
            }
            on_path[j] = true;
            path.push(j);
            match parent[j] {
                None => break j,
                Some(p) => j = p,
            }
        };
        for k in path.drain(..) {
            root[k] = Some(r);
            on_path[k] = false;
        }
    }

    let mut sizes = Vec::new();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut skipped = 0u64;
    for (i, r) in root.iter().enumerate() {
        match r {
            Some(r) if *r != CYCLE && messages[*r].inbound => {
                members.entry(*r).or_default().push(i)
            }
            _ => skipped += 1,
        }
    }
    let mut roots: Vec<usize> = members.keys().copied().collect();
    roots.sort_unstable();
    for r in roots {
        let mut idx = members.remove(&r).unwrap_or_default();
        idx.sort_by_key(|&i| (messages[i].at, messages[i].line));
        let thread: Vec<&Message> = idx.iter().map(|&i| &messages[i]).collect();
        let id = messages[r].id.clone();
        push_ticket(log, &mut sizes, id, &messages[r], &thread);
    }
    log.stats.skipped_messages = skipped;
    finish_stats(log, &sizes, delays);
}

/// Threads from a conversation id column.
pub(super) fn by_conversation(messages: Vec<Message>, log: &mut ConversationLog) {
    let mut order: Vec<&str> = Vec::new();
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in messages.iter().enumerate() {
        let c = m.conv.as_deref().unwrap_or("");
        groups
            .entry(c)
            .or_insert_with(|| {
                order.push(c);
                Vec::new()
            })
            .push(i);
    }
    let mut delays = Vec::new();
    let mut sizes = Vec::new();
    let mut skipped = 0u64;
    for c in order {
        let mut idx = groups.remove(c).unwrap_or_default();
        idx.sort_by_key(|&i| (messages[i].at, messages[i].line));
        let mut pending: Option<DateTime<Utc>> = None;
        for &i in &idx {
            let m = &messages[i];
            if m.inbound {
                pending.get_or_insert(m.at);
            } else if m.bot {
                // An automated acknowledgement answers nothing.
            } else if let Some(p) = pending.take() {
                delays.push(minutes(p, m.at));
            }
        }
        match idx.iter().position(|&i| messages[i].inbound) {
            Some(first) => {
                skipped += first as u64;
                let thread: Vec<&Message> = idx[first..].iter().map(|&i| &messages[i]).collect();
                push_ticket(log, &mut sizes, c.to_string(), thread[0], &thread);
            }
            None => skipped += idx.len() as u64,
        }
    }
    log.stats.skipped_messages = skipped;
    finish_stats(log, &sizes, delays);
}

/// Build one ticket from a thread sorted by time (`root` is its customer message).
fn push_ticket(
    log: &mut ConversationLog,
    thread_sizes: &mut Vec<(u32, u32)>,
    id: String,
    root: &Message,
    thread: &[&Message],
) {
    let human = |m: &&&Message| !m.inbound && !m.bot;
    let first_reply = thread.iter().find(|m| human(m) && m.at >= root.at);
    let replies = thread.iter().filter(human).count();
    let bots = thread.iter().filter(|m| m.bot).count();
    // How the thread ends, automated messages aside.
    let last = thread
        .iter()
        .rev()
        .find(|m| !m.bot)
        .copied()
        .unwrap_or(root);
    let texts: Vec<&str> = thread
        .iter()
        .filter(|m| m.inbound && !m.text.is_empty())
        .map(|m| m.text.as_str())
        .collect();
    let resolved_at = (!last.inbound).then_some(last.at);
    if resolved_at.is_none() {
        log.stats.open_threads += 1;
    }
    log.stats.threads += 1;
    log.stats.replies += replies as u64;
    log.stats.bot_messages += bots as u64;
    log.stats.threads_replied += u64::from(replies > 0);
    log.stats.threads_bot_only += u64::from(replies == 0 && bots > 0);
    thread_sizes.push((replies as u32, thread.len() as u32));
    log.thread_messages.push(thread.len() as u32);
    log.tickets.push(Ticket {
        line: root.line,
        id,
        customer_id: root.author.clone(),
        created_at: root.at,
        first_response_at: first_reply.map(|m| m.at),
        resolved_at,
        agent: first_reply.and_then(|m| m.author.clone()),
        replies: Some(u32::try_from(replies).unwrap_or(u32::MAX)),
        body: (!texts.is_empty()).then(|| texts.join("\n")),
        raw: root.raw.clone().unwrap_or_default(),
        ..Default::default()
    });
}

/// Per-thread and reply-delay figures of [`ThreadStats`].
/// `thread_sizes` holds (company replies, messages) per ticket.
fn finish_stats(log: &mut ConversationLog, thread_sizes: &[(u32, u32)], mut delays: Vec<f64>) {
    let s = &mut log.stats;
    if s.threads > 0 {
        let threads = s.threads as f64;
        s.replies_per_thread_mean = Some(s.replies as f64 / threads);
        s.replied_share = Some(s.threads_replied as f64 / threads);
        let messages: u64 = thread_sizes.iter().map(|&(_, m)| u64::from(m)).sum();
        s.messages_per_thread_mean = Some(messages as f64 / threads);
        let mut replies: Vec<f64> = thread_sizes.iter().map(|&(r, _)| f64::from(r)).collect();
        replies.sort_by(f64::total_cmp);
        s.replies_per_thread_median = quantile_sorted(&replies, 0.5);
    }
    delays.retain(|d| d.is_finite() && *d >= 0.0);
    s.replies_measured = delays.len() as u64;
    if delays.is_empty() {
        return;
    }
    delays.sort_by(f64::total_cmp);
    s.mean_reply_minutes = Some(delays.iter().sum::<f64>() / delays.len() as f64);
    s.median_reply_minutes = quantile_sorted(&delays, 0.5);
    s.p90_reply_minutes = quantile_sorted(&delays, 0.9);
}
