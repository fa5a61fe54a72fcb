//! Grouping messages into threads and threads into tickets.

use super::{ConversationLog, Message};
use crate::ticket::Ticket;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

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

    // Reply delays: each company reply whose parent is a customer message.
    let mut delays = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        if let Some(p) = parent[i] {
            let pm = &messages[p];
            if !m.inbound && pm.inbound {
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
        push_ticket(log, id, &messages[r], &thread);
    }
    log.stats.skipped_messages = skipped;
    finish_stats(log, delays);
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
    let mut skipped = 0u64;
    for c in order {
        let mut idx = groups.remove(c).unwrap_or_default();
        idx.sort_by_key(|&i| (messages[i].at, messages[i].line));
        let mut pending: Option<DateTime<Utc>> = None;
        for &i in &idx {
            let m = &messages[i];
            if m.inbound {
                pending.get_or_insert(m.at);
            } else if let Some(p) = pending.take() {
                delays.push(minutes(p, m.at));
            }
        }
        match idx.iter().position(|&i| messages[i].inbound) {
            Some(first) => {
                skipped += first as u64;
                let thread: Vec<&Message> = idx[first..].iter().map(|&i| &messages[i]).collect();
                push_ticket(log, c.to_string(), thread[0], &thread);
            }
            None => skipped += idx.len() as u64,
        }
    }
    log.stats.skipped_messages = skipped;
    finish_stats(log, delays);
}

/// Build one ticket from a thread sorted by time (`root` is its customer message).
fn push_ticket(log: &mut ConversationLog, id: String, root: &Message, thread: &[&Message]) {
    let first_reply = thread.iter().find(|m| !m.inbound && m.at >= root.at);
    let replies = thread.iter().filter(|m| !m.inbound).count();
    let last = thread.last().copied().unwrap_or(root);
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

fn finish_stats(log: &mut ConversationLog, mut delays: Vec<f64>) {
    delays.retain(|d| d.is_finite() && *d >= 0.0);
    log.stats.replies_measured = delays.len() as u64;
    if delays.is_empty() {
        return;
    }
    delays.sort_by(f64::total_cmp);
    let n = delays.len();
    log.stats.mean_reply_minutes = Some(delays.iter().sum::<f64>() / n as f64);
    log.stats.median_reply_minutes = Some(if n % 2 == 1 {
        delays[n / 2]
    } else {
        (delays[n / 2 - 1] + delays[n / 2]) / 2.0
    });
}
