//! Ticket fields and the header spellings that map onto them.
//!
//! Exports from Zendesk, Freshdesk, Jira, Kaggle datasets and home-grown
//! tools name the same thing differently (`Created at`, `Created time`,
//! `Created`, `created_at`). Headers are normalised (lower-case, only letters
//! and digits) and compared with a per-field alias list ordered from most to
//! least specific, so `--map` is only needed for unusual exports.

/// A ticket field an input column can be mapped to (`--map FIELD=COLUMN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Ticket id.
    TicketId,
    /// Customer / requester / account.
    CustomerId,
    /// Creation time.
    CreatedAt,
    /// First response: timestamp or duration.
    FirstResponse,
    /// Resolution: timestamp or duration.
    Resolved,
    /// Agent handle (work) time: a duration, stored in minutes.
    HandleTime,
    /// Status text.
    Status,
    /// How a closed ticket was closed (Jira's `Resolution`: Done, Duplicate,
    /// Won't Do; ServiceNow's resolution code): a closing verdict without a
    /// fix makes a closed ticket terminal ([`crate::Ticket::state`]).
    ResolutionCode,
    /// Channel.
    Channel,
    /// Priority.
    Priority,
    /// Assigned agent.
    Agent,
    /// Team / group / tier.
    Team,
    /// Escalated flag.
    Escalated,
    /// When the ticket was escalated (a timestamp).
    EscalatedAt,
    /// Reopen count.
    Reopens,
    /// Agent reply count.
    Replies,
    /// CSAT 1–5.
    Csat,
    /// NPS 0–10.
    Nps,
    /// Customer effort 1–7.
    Ces,
    /// Subject line.
    Subject,
    /// Body / description.
    Body,
    /// Tags / labels.
    Tags,
    /// The desk's spam mark (Freshdesk's and Gorgias's `spam`): a ticket
    /// so marked is closed without a resolution whatever its status, which
    /// then reads `spam`, as the desk's own Spam view files it.
    Spam,
    /// The desk's deleted mark (Freshdesk's `deleted`, Gorgias's
    /// `trashed_datetime`, a database's `deleted_at`; a time means set): as
    /// [`Field::Spam`], the status then reads `deleted`.
    Deleted,
}

impl Field {
    /// Every field, in display order.
    pub const ALL: [Field; 24] = [
        Field::TicketId,
        Field::CustomerId,
        Field::CreatedAt,
        Field::FirstResponse,
        Field::Resolved,
        Field::HandleTime,
        Field::Status,
        Field::ResolutionCode,
        Field::Channel,
        Field::Priority,
        Field::Agent,
        Field::Team,
        Field::Escalated,
        Field::EscalatedAt,
        Field::Reopens,
        Field::Replies,
        Field::Csat,
        Field::Nps,
        Field::Ces,
        Field::Subject,
        Field::Body,
        Field::Tags,
        Field::Spam,
        Field::Deleted,
    ];

    /// The name used in `--map` and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::TicketId => "ticket_id",
            Field::CustomerId => "customer_id",
            Field::CreatedAt => "created_at",
            Field::FirstResponse => "first_response",
            Field::Resolved => "resolved",
            Field::HandleTime => "handle_time",
            Field::Status => "status",
            Field::ResolutionCode => "resolution_code",
            Field::Channel => "channel",
            Field::Priority => "priority",
            Field::Agent => "agent",
            Field::Team => "team",
            Field::Escalated => "escalated",
            Field::EscalatedAt => "escalated_at",
            Field::Reopens => "reopens",
            Field::Replies => "replies",
            Field::Csat => "csat",
            Field::Nps => "nps",
            Field::Ces => "ces",
            Field::Subject => "subject",
            Field::Body => "body",
            Field::Tags => "tags",
            Field::Spam => "spam",
            Field::Deleted => "deleted",
        }
    }

    /// The names ticketlens itself gives the field's column (in `--map`
    /// and in the tables it writes): [`Field::as_str`], and for durations
    /// the `Ticket` member names (`first_response_at`,
    /// `first_response_minutes`, `resolved_at`, `resolution_hours`,
    /// `handle_minutes`).
    pub fn own_names(self) -> &'static [&'static str] {
        match self {
            Field::FirstResponse => &[
                "first_response_at",
                "first_response_minutes",
                "first_response",
            ],
            Field::Resolved => &["resolved_at", "resolution_hours", "resolved"],
            Field::HandleTime => &["handle_minutes", "handle_time"],
            Field::TicketId => &["ticket_id"],
            Field::CustomerId => &["customer_id"],
            Field::CreatedAt => &["created_at"],
            Field::Status => &["status"],
            Field::ResolutionCode => &["resolution_code"],
            Field::Channel => &["channel"],
            Field::Priority => &["priority"],
            Field::Agent => &["agent"],
            Field::Team => &["team"],
            Field::Escalated => &["escalated"],
            Field::EscalatedAt => &["escalated_at"],
            Field::Reopens => &["reopens"],
            Field::Replies => &["replies"],
            Field::Csat => &["csat"],
            Field::Nps => &["nps"],
            Field::Ces => &["ces"],
            Field::Subject => &["subject"],
            Field::Body => &["body"],
            Field::Tags => &["tags"],
            Field::Spam => &["spam"],
            Field::Deleted => &["deleted"],
        }
    }

    /// Whether the field holds a duration whose plain numbers take a unit
    /// (from the header or `--unit`): first response, resolution, handle time.
    pub fn is_duration(self) -> bool {
        matches!(
            self,
            Field::FirstResponse | Field::Resolved | Field::HandleTime
        )
    }

    /// Parse a `--map` field name; also accepts the `Ticket` member names
    /// `first_response_at`, `first_response_minutes`, `resolved_at` and
    /// `resolution_hours` (the value decides timestamp vs duration anyway).
    pub fn parse(name: &str) -> Option<Field> {
        let n = name.trim().to_ascii_lowercase();
        match n.as_str() {
            "first_response_at" | "first_response_minutes" | "frt" => {
                return Some(Field::FirstResponse)
            }
            "resolved_at" | "resolution_hours" | "resolution" => return Some(Field::Resolved),
            "handle_minutes" | "handle_time_minutes" | "aht" | "work_time" => {
                return Some(Field::HandleTime)
            }
            "id" => return Some(Field::TicketId),
            "customer" => return Some(Field::CustomerId),
            "group" | "tier" => return Some(Field::Team),
            "tag" => return Some(Field::Tags),
            _ => {}
        }
        Field::ALL.into_iter().find(|f| f.as_str() == n)
    }

    /// Header spellings recognised for this field, most specific first.
    /// Every spelling belongs to exactly one field (tested), so a column can
    /// never be claimed twice.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::TicketId => &[
                "ticket_id",
                "Ticket ID",
                "Ticket Number",
                "Ticket No",
                "Issue key",
                "Issue id",
                "Case ID",
                "Case Number",
                "Conversation ID",
                "Conversation number",
                "Id",
                "Key",
                "Number",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "ID du ticket",
                "Numéro de ticket",
                "Numéro du ticket",
                "ID del ticket",
                "Número de ticket",
                "Número del ticket",
                "ID do ticket",
                "Número do ticket",
                "Ticketnummer",
                "Ticket-Nummer",
                "ID ticket",
                "Numero ticket",
                "Numero del ticket",
            ],
            Field::CustomerId => &[
                "customer_id",
                "Customer ID",
                "Requester id",
                "Contact ID",
                "Account ID",
                "Client ID",
                "User ID",
                "Customer",
                "Requester",
                "Reporter",
                "Contact",
                "Account",
                "Client",
                "Customer Email",
                "Requester email",
                "Contact email",
                "Email",
                "Customer Name",
                "Requester name",
                // Salesforce (contact before account, as for the ids above).
                "Contact Name",
                "Account Name",
                // ServiceNow.
                "caller_id",
                "Caller",
                // HubSpot, osTicket, Zammad.
                "Associated Contact",
                "Associated Company",
                "From Email",
                "Organization",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Anfragender",
                "Anfragesteller",
                "Kunde",
                "Demandeur",
                "Solicitante",
                "Cliente",
                "Aanvrager",
                "Klant",
                "Richiedente",
            ],
            Field::CreatedAt => &[
                "created_at",
                // Salesforce, Intercom.
                "Date/Time Opened",
                // Zendesk Explore's report columns, GLPI.
                "Ticket created - Timestamp",
                "Ticket created - Date",
                "Opening date",
                "conversation_created_at",
                "Conversation started at",
                "Created time",
                "Created date",
                "Creation date",
                "Created on",
                "Created",
                "Opened at",
                "Opened on",
                "Opened",
                "Date opened",
                "Open date",
                "Submitted at",
                "Submitted",
                "Requested at",
                // HubSpot, osTicket, Salesforce, ServiceNow.
                "Create date",
                "Date Created",
                "Date/Time Created",
                "Creation time",
                "Date Submitted",
                // Gorgias.
                "created_datetime",
                "Opened Date",
                "sys_created_on",
                "Timestamp",
                "Date",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Erstellt am",
                "Erstellungsdatum",
                "Erstellt",
                "Angelegt am",
                "Date de création",
                "Créé le",
                "Création",
                "Fecha de creación",
                "Creado",
                "Creado el",
                "Data de criação",
                "Criado em",
                "Aangemaakt op",
                "Aanmaakdatum",
                "Gemaakt op",
                "Data di creazione",
                "Creato il",
            ],
            Field::FirstResponse => &[
                "first_response_at",
                "first_response_minutes",
                // Intercom.
                "conversation_first_response_at",
                "Conversation first replied at",
                "First response at",
                "First responded at",
                "First reply at",
                "First reply time in minutes",
                "First response time (in hrs)",
                "First response time in hours",
                "First response time in minutes",
                "First response time",
                "First reply time",
                "Time to first response",
                // HubSpot, Zammad.
                "Time to first agent reply",
                "First Response In Min",
                "First response",
                // Business-hours variants last: the wall-clock column wins when both exist.
                "First reply time in minutes within business hours",
                "First response time in business hours",
                "Initial response time",
                "Response time",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Erste Antwort am",
                "Erste Antwortzeit",
                "Erste Antwortzeit in Minuten",
                "Erste Antwortzeit in Stunden",
                "Zeit bis zur ersten Antwort",
                "Erste Antwort",
                "Première réponse le",
                "Temps de première réponse",
                "Délai de première réponse",
                "Première réponse",
                "Primera respuesta el",
                "Tiempo de primera respuesta",
                "Primera respuesta",
                "Primeira resposta em",
                "Tempo de primeira resposta",
                "Primeira resposta",
                "Eerste reactie op",
                "Eerste reactietijd",
                "Eerste reactie",
                "Prima risposta il",
                "Tempo di prima risposta",
                "Prima risposta",
            ],
            Field::Resolved => &[
                "resolved_at",
                "resolution_hours",
                "Resolved time",
                "Resolved date",
                "Resolved on",
                "Resolved",
                // Salesforce, Intercom, HubSpot, osTicket.
                "Date/Time Closed",
                "conversation_closed_at",
                "Conversation last closed at",
                "Close date",
                "Date Closed",
                "Solved at",
                "Solved",
                "Closed at",
                "Closed time",
                "Closed date",
                "Closed on",
                "Date Resolved",
                "Date/Time Resolved",
                "Closed Date/Time",
                "Ticket Closed Time",
                // OTRS.
                "Close Time",
                // Zammad (its `Close In Min` is business minutes).
                "Close at",
                "Solved date",
                // Zendesk Explore.
                "Ticket solved - Timestamp",
                "Ticket solved - Date",
                "Completed at",
                // Gorgias.
                "closed_datetime",
                "Resolution date",
                "Full resolution time in hours",
                "Resolution time (in hrs)",
                "Resolution time in hours",
                "Resolution time",
                "Time to resolution",
                "First resolution time in hours",
                "Full resolution time in minutes",
                // HubSpot, Zammad.
                "Time to close",
                "Close In Min",
                // Business-hours variants last.
                "Full resolution time in hours within business hours",
                "Full resolution time in minutes within business hours",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Gelöst am",
                "Geschlossen am",
                "Lösungsdatum",
                "Date de résolution",
                "Résolu le",
                "Date de clôture",
                "Fermé le",
                "Fecha de resolución",
                "Resuelto el",
                "Fecha de cierre",
                "Cerrado el",
                "Data de resolução",
                "Resolvido em",
                "Data de fechamento",
                "Fechado em",
                "Opgelost op",
                "Gesloten op",
                "Datum opgelost",
                "Data di risoluzione",
                "Risolto il",
                "Data di chiusura",
                "Chiuso il",
                "Lösungszeit",
                "Lösungszeit in Stunden",
                "Lösungszeit in Minuten",
                "Zeit bis zur Lösung",
                "Temps de résolution",
                "Délai de résolution",
                "Tiempo de resolución",
                "Tempo de resolução",
                "Oplostijd",
                "Tempo di risoluzione",
            ],
            Field::Status => &[
                "status",
                "Ticket Status",
                // HubSpot's property name (a stage id of the default
                // pipeline is named, see `vendor_codes`).
                "hs_pipeline_stage",
                "Issue status",
                "Status name",
                // osTicket, ServiceNow, Intercom.
                "Current Status",
                "incident_state",
                "conversation_state",
                "State",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Statut",
                "Estado",
                "Stato",
            ],
            Field::Channel => &[
                "channel",
                "Ticket Channel",
                "Contact channel",
                "Channel name",
                // Salesforce, ServiceNow.
                "Case Origin",
                "contact_type",
                "Via",
                "Source",
                "Medium",
                "Origin",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Kanal",
                "Quelle",
                "Canal",
                "Origen",
                "Origem",
                "Kanaal",
                "Bron",
                "Canale",
                "Origine",
            ],
            Field::Priority => &[
                "priority",
                "Ticket Priority",
                "Issue priority",
                "Severity",
                "Urgency",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Priorität",
                "Priorité",
                "Prioridad",
                "Prioridade",
                "Prioriteit",
                "Priorità",
            ],
            Field::Agent => &[
                "agent",
                "Agent name",
                "Agent ID",
                "Assignee",
                "Assignee name",
                "Assignee id",
                "Assigned to",
                "Owner",
                "Responder",
                "Handled by",
                // Salesforce, HubSpot, osTicket, Intercom.
                "Case Owner",
                "Owner ID",
                "Ticket owner",
                "Agent Assigned",
                "Teammate assigned",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Bearbeiter",
                "Zugewiesen an",
                "Agente",
                "Assigné à",
                "Asignado a",
                "Atribuído a",
                "Toegewezen aan",
                "Medewerker",
                "Assegnato a",
                "Operatore",
            ],
            Field::Team => &[
                "team",
                "Team name",
                "Group",
                "Group name",
                "Assignment group",
                "Queue",
                "Department",
                "Support tier",
                "Tier",
                "Component/s",
                "Component",
                // osTicket, Help Scout.
                "Team Assigned",
                "Mailbox",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Gruppe",
                "Groupe",
                "Équipe",
                "Grupo",
                "Equipo",
                "Equipe",
                "Groep",
                "Gruppo",
            ],
            Field::ResolutionCode => &[
                "resolution_code",
                // Jira (the column is called just that; `Resolution time …`
                // columns are durations of `resolved`).
                "Resolution",
                "Resolution name",
                // ServiceNow (`close_code`, labelled "Resolution code").
                "Resolution code",
                "Close code",
                "Closure code",
                "Close reason",
                "Closed reason",
            ],
            Field::Escalated => &["escalated", "Is escalated", "Was escalated", "Escalation"],
            Field::Spam => &["spam", "Is spam", "Marked as spam", "Spam flag"],
            Field::Deleted => &[
                "deleted",
                "Is deleted",
                "trashed",
                "Is trashed",
                // Gorgias (a time: set means trashed), soft-deleting databases.
                "trashed_datetime",
                "Trashed at",
                "deleted_at",
                "Deleted on",
            ],
            Field::EscalatedAt => &[
                "escalated_at",
                "Escalated at",
                "Escalated on",
                "Escalated date",
                "Escalated time",
                "Escalation date",
                "Escalation time",
                "Date escalated",
                "Time escalated",
            ],
            Field::HandleTime => &[
                "handle_time",
                "handle_minutes",
                "Handle time",
                "Handling time",
                "Average handle time",
                "AHT",
                // Zendesk (Time Tracking app), Freshdesk, ServiceNow.
                "Agent work time",
                "Total agent work time",
                "Total time spent",
                "Time spent",
                "Time tracked",
                "Time worked",
                "time_worked",
                "Work time",
                "Talk time",
            ],
            Field::Reopens => &[
                "reopens",
                "Reopen count",
                "Times reopened",
                "Number of reopens",
                "Reopened count",
                // Zoho Desk's and others' yes/no flag (a bare `Reopened`
                // may hold the time of the reopen instead).
                "Is reopened",
                "Was reopened",
                "Reopened?",
            ],
            Field::Replies => &[
                "Agent replies",
                "replies",
                "Reply count",
                "Number of replies",
                "Agent responses",
                // Freshdesk.
                "Agent interactions",
                "Responses",
            ],
            Field::Csat => &[
                "csat",
                "CSAT score",
                "Customer Satisfaction Rating",
                "Customer satisfaction",
                "Satisfaction Score",
                "Satisfaction rating",
                "Satisfaction",
                "CSAT rating",
                // Intercom, Freshdesk (Awesome / Just Okay / Not Good).
                "Conversation rating",
                // Zoho Desk (Good / Okay / Bad).
                "Happiness rating",
                "Survey results",
                "Rating",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Zufriedenheit",
                "Kundenzufriedenheit",
                "Zufriedenheitsbewertung",
                "Satisfaction client",
                "Satisfacción",
                "Satisfacción del cliente",
                "Satisfação",
                "Satisfação do cliente",
                "Tevredenheid",
                "Klanttevredenheid",
                "Soddisfazione",
                "Soddisfazione cliente",
            ],
            Field::Nps => &[
                "nps",
                "NPS score",
                "Net promoter score",
                "Likelihood to recommend",
            ],
            Field::Ces => &[
                "ces",
                "CES score",
                "Customer effort score",
                "Effort score",
                "Effort",
            ],
            Field::Subject => &[
                "subject",
                "Ticket Subject",
                "Summary",
                "Issue summary",
                // ServiceNow, HubSpot.
                "short_description",
                "Ticket name",
                "Title",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Betreff",
                "Objet",
                "Sujet",
                "Asunto",
                "Assunto",
                "Onderwerp",
                "Oggetto",
                "Titel",
                "Titre",
                "Título",
            ],
            Field::Body => &[
                "body",
                "Ticket Description",
                "Description",
                "Issue description",
                "Text",
                "Message",
                "Content",
                "Comment",
                "Details",
                "Question",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Beschreibung",
                "Nachricht",
                "Descripción",
                "Descrição",
                "Omschrijving",
                "Beschrijving",
                "Descrizione",
            ],
            Field::Tags => &[
                "tags",
                // Zendesk Explore.
                "Ticket tags",
                "Labels",
                "Tag",
                "Label",
                "Keywords",
                // Intercom.
                "conversation_tags",
                // German, French, Spanish, Portuguese, Dutch, Italian exports.
                "Schlagwörter",
                "Stichwörter",
                "Étiquettes",
                "Etiquetas",
                "Etichette",
            ],
        }
    }
}

// ---- JSON export keys (nested objects flattened to dotted paths) ----------
//
// Kept apart from the header spellings above: these are the leaf paths of
// Zendesk's own JSON export (and the API objects it copies) after
// `ingest::json::flatten`, e.g. `{"via": {"channel": "email"}}` → `via.channel`.
// They are tried before [`Field::aliases`], so a nested `satisfaction_rating.score`
// wins over a flat `satisfaction_rating` key that is null in the first objects.
impl Field {
    /// Dotted JSON paths recognised for this field, most specific first.
    pub fn json_aliases(self) -> &'static [&'static str] {
        // Jira's REST API nests an issue's fields under `fields`
        // (`fields.created`, `fields.status.name`); Intercom's conversation
        // objects keep the opening message under `source` and the timings
        // under `statistics` (Unix seconds); Kustomer (JSON:API) keeps them
        // under `attributes`, HubSpot under `properties` (keys inside these
        // containers are also matched like headers: see `ingest::mapping`).
        match self {
            Field::CustomerId => &[
                "requester.id",
                "requester.email",
                // Help Scout's API.
                "primaryCustomer.email",
                "fields.reporter.emailAddress",
                "fields.reporter.accountId",
                "source.author.email",
                // JSON:API relationships (Kustomer), Front.
                "relationships.customer.data.id",
                "recipient.handle",
            ],
            Field::CreatedAt => &["fields.created"],
            // HubSpot's `source_type` (EMAIL, CHAT, FORM), Help Scout's and
            // Intercom's `source.type` (email, chat; conversation).
            Field::Channel => &[
                "via.channel",
                "attributes.channels",
                "properties.source_type",
                "source.type",
            ],
            Field::Agent => &[
                "assignee.name",
                "assignee.email",
                "assignee.id",
                "fields.assignee.displayName",
                "fields.assignee.emailAddress",
                "admin_assignee_id",
                // Salesforce (a query that selects `Owner.Name`), HubSpot.
                "Owner.Name",
                "properties.hubspot_owner_id",
            ],
            Field::Team => &["group_id", "group.name", "team_assignee_id"],
            Field::Csat => &[
                "satisfaction_rating.score",
                "satisfaction_rating.rating",
                "conversation_rating.rating",
                // Gorgias.
                "satisfaction_survey.score",
            ],
            Field::FirstResponse => &[
                "metric_set.reply_time_in_minutes.calendar",
                "metric_set.first_reply_time_in_minutes.calendar",
                "reply_time_in_minutes.calendar",
                // Freshdesk's API (`include=stats`).
                "stats.first_responded_at",
                "statistics.first_admin_reply_at",
                "attributes.firstResponse.createdAt",
                "properties.first_agent_reply_date",
            ],
            Field::Resolved => &[
                "metric_set.solved_at",
                "metric_set.full_resolution_time_in_minutes.calendar",
                "full_resolution_time_in_minutes.calendar",
                // Freshdesk's API (`include=stats`).
                "stats.resolved_at",
                "stats.closed_at",
                "fields.resolutiondate",
                "statistics.last_close_at",
                "attributes.lastDone.createdAt",
                "attributes.firstDone.createdAt",
                "properties.closed_date",
            ],
            Field::Reopens => &["metric_set.reopens", "statistics.count_reopens"],
            Field::Replies => &["metric_set.replies"],
            Field::Status => &[
                "status.name",
                "fields.status.name",
                // HubSpot's CRM API (stage ids of the default pipeline
                // are named, see `vendor_codes`).
                "properties.hs_pipeline_stage",
                // Dynamics 365's Web API (its formatted value, see
                // `json::flatten`).
                "statecode",
            ],
            // Jira's REST export (`fields.resolution.name` once flattened).
            Field::ResolutionCode => &["fields.resolution.name", "resolution.name"],
            Field::Priority => &[
                "priority.name",
                "fields.priority.name",
                "properties.hs_ticket_priority",
                "prioritycode",
            ],
            Field::Subject => &["fields.summary", "source.subject", "attributes.name"],
            // Help Scout's list endpoints give a `preview` of the first
            // message, not its body.
            Field::Body => &[
                "fields.description",
                "source.body",
                "preview",
                "attributes.preview",
            ],
            Field::Tags => &["fields.labels", "tags.tags"],
            _ => &[],
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The field whose name, alias or JSON path `key` is (matched like
/// headers: case and punctuation aside).
pub(crate) fn field_named(key: &str) -> Option<Field> {
    let n = normalize_header(key);
    if n.is_empty() {
        return None;
    }
    Field::ALL.iter().copied().find(|f| {
        f.own_names()
            .iter()
            .chain(f.aliases())
            .chain(f.json_aliases())
            .any(|a| normalize_header(a) == n)
    })
}

/// Normalise a header for matching: lower-case letters and digits only.
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Find a column by name: exact, then trimmed case-insensitive, then
/// normalised (`Ticket Type` finds `ticket_type`); the index into `headers`.
pub fn find_column(headers: &[String], name: &str) -> Option<usize> {
    let name_t = name.trim();
    headers
        .iter()
        .position(|h| h == name)
        .or_else(|| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name_t))
        })
        .or_else(|| {
            let n = normalize_header(name_t);
            (!n.is_empty())
                .then(|| headers.iter().position(|h| normalize_header(h) == n))
                .flatten()
        })
}

/// First unclaimed column whose normalised header equals one of `aliases`
/// (earlier aliases win over later ones).
pub(crate) fn match_alias(
    norm_headers: &[String],
    aliases: &[&str],
    taken: &[bool],
) -> Option<usize> {
    aliases.iter().find_map(|a| {
        let a = normalize_header(a);
        norm_headers
            .iter()
            .enumerate()
            .position(|(i, h)| !taken[i] && *h == a)
    })
}

/// Spellings for an error message.
pub(crate) fn tried(fields: &[Field]) -> String {
    fields
        .iter()
        .flat_map(|f| f.aliases().iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}
