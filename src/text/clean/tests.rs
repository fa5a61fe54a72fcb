use super::{clean_markup, clean_text, clean_ticket};
use crate::ticket::Ticket;
use std::collections::HashMap;

#[test]
fn strips_html_and_entities() {
    assert_eq!(
        clean_text("<p>My order &amp; invoice</p><p>are wrong</p>"),
        "My order & invoice are wrong"
    );
    assert_eq!(clean_text("a<script>alert(1)</script>b"), "a b");
    assert_eq!(clean_text("x &lt;3 y"), "x <3 y");
    assert_eq!(
        clean_text("<!--[if mso]><style>p{x:1}</style><![endif]--><p>Card declined</p>"),
        "Card declined"
    );
}

#[test]
fn drops_quoted_history_signature_and_footer() {
    let t = "Still no refund!\n\nSent from my iPhone\n\nOn Mon, Jun 2, 2025 at 10:00 AM Support <s@x.com> wrote:\n> We are looking into it\n> Thanks";
    assert_eq!(clean_text(t), "Still no refund!");
    let t = "Please update my address.\n> old quote\nThanks\n--\nJane Doe\nAcme Corp";
    assert_eq!(clean_text(t), "Please update my address. Thanks");
}

#[test]
fn keeps_plain_text_and_collapses_whitespace() {
    assert_eq!(
        clean_text("  hello \t  world \n\n again "),
        "hello world again"
    );
    assert_eq!(clean_text("   "), "");
    assert_eq!(clean_text("a -- b"), "a -- b");
}

#[test]
fn drops_gmail_quote_and_blockquotes() {
    let t = concat!(
        "<div dir=\"ltr\">The app crashes on start.</div><br>",
        "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, 4 Mar 2024 at 10:02, ",
        "Shop Support &lt;support@shop.example&gt; wrote:<br></div>",
        "<blockquote class=\"gmail_quote\" style=\"margin:0\">Thank you for contacting us.</blockquote></div>"
    );
    assert_eq!(clean_text(t), "The app crashes on start.");
    // A blockquote without a gmail container (Apple Mail), nested, with
    // the reply continuing after it.
    let t = concat!(
        "<p>Still broken.</p><blockquote type=\"cite\">We fixed it.",
        "<blockquote>Is it fixed?</blockquote> Please retry.</blockquote>",
        "<p>It crashes again today.</p>"
    );
    assert_eq!(clean_text(t), "Still broken. It crashes again today.");
    // An unclosed blockquote runs to the end.
    assert_eq!(
        clean_text("<p>Refund please</p><BLOCKQUOTE>old text"),
        "Refund please"
    );
}

#[test]
fn drops_outlook_header_blocks() {
    // Outlook desktop HTML: a rule, then the header block in bold labels.
    let t = concat!(
        "<div class=\"WordSection1\"><p class=\"MsoNormal\">My invoice shows the wrong VAT number.<o:p></o:p></p>",
        "<hr size=\"2\" width=\"100%\" align=\"center\">",
        "<p><b>From:</b> Support &lt;help@x.com&gt;<br><b>Sent:</b> Monday, March 4, 2024 10:02 AM<br>",
        "<b>To:</b> Jane Doe<br><b>Subject:</b> RE: Invoice</p><p>We have received your request.</p></div>"
    );
    assert_eq!(clean_text(t), "My invoice shows the wrong VAT number.");
    // Outlook web: everything from the appendonsend marker on.
    let t = "<div>Still waiting for the parcel.</div><div id=\"appendonsend\"></div><div>We shipped it.</div>";
    assert_eq!(clean_text(t), "Still waiting for the parcel.");
    let t = "<div>Still waiting.</div><div id=\"x_divRplyFwdMsg\"><b>From:</b> A</div><div>We shipped it.</div>";
    assert_eq!(clean_text(t), "Still waiting.");
    // Plain text, with Outlook's underscore rule.
    let t = "The login page is blank.\n\n________________________________\nFrom: Support <help@x.com>\nSent: Monday, March 4, 2024 10:02 AM\nTo: Jane Doe\nSubject: RE: Login\n\nPlease clear your cache.";
    assert_eq!(clean_text(t), "The login page is blank.");
    let t = "Wrong size delivered.\n\n-----Original Message-----\nFrom: Support\nWe are sorry.";
    assert_eq!(clean_text(t), "Wrong size delivered.");
    // German headers.
    let t = "Die Rechnung fehlt.\nVon: Support <help@x.com>\nGesendet: Montag, 4. März 2024 10:02\nAn: Jane\nBetreff: AW: Rechnung\nDanke";
    assert_eq!(clean_text(t), "Die Rechnung fehlt.");
    // A "From:" line in the content without a header block after it stays.
    assert_eq!(
        clean_text("From: my old address\nTo the new one, please."),
        "From: my old address To the new one, please."
    );
}

#[test]
fn drops_other_attribution_lines() {
    let t = "Card declined again.\n\nOn Mon, 4 Mar 2024 at 10:02, Shop Support\n<support@shop.example> wrote:\n> Please retry.";
    assert_eq!(clean_text(t), "Card declined again.");
    let t = "Karte abgelehnt.\n\nAm 04.03.2024 um 10:02 schrieb Shop Support <s@x.com>:\n> Bitte erneut versuchen.";
    assert_eq!(clean_text(t), "Karte abgelehnt.");
    let t = "Carte refusée.\n\nLe lun. 4 mars 2024 à 10:02, Support <s@x.com> a écrit :\n> Merci";
    assert_eq!(clean_text(t), "Carte refusée.");
    // "On …" in the content, not followed by "wrote:", stays.
    assert_eq!(
        clean_text("On 4 March my card was charged twice.\nPlease refund one."),
        "On 4 March my card was charged twice. Please refund one."
    );
}

#[test]
fn drops_leading_greeting() {
    for (raw, want) in [
        ("Hi team,\nMy refund is missing.", "My refund is missing."),
        ("Hello,\n\nMy refund is missing.", "My refund is missing."),
        (
            "Dear Support,\nMy refund is missing.",
            "My refund is missing.",
        ),
        ("Hi Sarah,\nMy refund is missing.", "My refund is missing."),
        (
            "Good morning,\nMy refund is missing.",
            "My refund is missing.",
        ),
        (
            "Dear Sir or Madam,\nMy refund is missing.",
            "My refund is missing.",
        ),
        (
            "Hello support team,\nMy refund is missing.",
            "My refund is missing.",
        ),
        ("Hi there\nMy refund is missing.", "My refund is missing."),
        ("Hi Sarah, my refund is missing.", "my refund is missing."),
        ("Hello! My refund is missing.", "My refund is missing."),
        ("Hey team - my refund is missing.", "my refund is missing."),
        (
            "<p>Hi team,</p><p>My refund is missing.</p>",
            "My refund is missing.",
        ),
    ] {
        assert_eq!(clean_text(raw), want, "{raw:?}");
    }
}

#[test]
fn keeps_what_only_looks_like_a_greeting() {
    for raw in [
        "Hi-fi speaker arrived broken.",
        "Hey what is going on with my order",
        "Hello and thanks for the quick reply, but the refund is wrong.",
        "Highway delivery was late.",
        "Dear, oh dear, the parcel is lost.",
        "My refund is missing.\nHi team,",
    ] {
        let want = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(clean_text(raw), want, "{raw:?}");
    }
}

#[test]
fn drops_trailing_sign_off_block() {
    for (raw, want) in [
        ("My refund is missing.\nThanks,\nJohn", "My refund is missing."),
        ("My refund is missing.\nThanks,\nJohn Miller", "My refund is missing."),
        ("My refund is missing.\n\nKind regards,\nMaria Lopez", "My refund is missing."),
        ("My refund is missing.\n\nThanks & Regards,\nPriya Sharma", "My refund is missing."),
        ("My refund is missing.\nThanks and regards,\nPriya", "My refund is missing."),
        ("Hola equipo,\nMy refund is missing.", "My refund is missing."),
        ("Hallo zusammen,\nMy refund is missing.", "My refund is missing."),
        ("Buenos días,\nMy refund is missing.", "My refund is missing."),
        ("My refund is missing.\nBest, Sam", "My refund is missing."),
        ("My refund is missing.\nThanks, John Miller.", "My refund is missing."),
        (
            "My refund is missing.\nCheers,\nSam\nSent from my Samsung Galaxy smartphone.",
            "My refund is missing.",
        ),
        ("My refund is missing.\nThank you!\nJohn", "My refund is missing."),
        ("My refund is missing.\nThanks,", "My refund is missing."),
        (
            "My refund is missing.\nBest regards,\nJane Doe\nHead of Operations\nAcme Corp | +44 20 7946 0123",
            "My refund is missing.",
        ),
        (
            "<p>My refund is missing.</p><p>Kind regards,<br>Maria Lopez</p>",
            "My refund is missing.",
        ),
        (
            "Hi team,\nMy refund is missing.\nThanks in advance,\nJohn",
            "My refund is missing.",
        ),
    ] {
        assert_eq!(clean_text(raw), want, "{raw:?}");
    }
}

#[test]
fn keeps_thanks_inside_the_content() {
    for raw in [
        "Thanks for nothing, the refund never came",
        "My refund is missing.\nThanks for nothing, the refund never came",
        "thank you for the quick fix, it works now",
        "The fix works.\nThank you!",
        "The fix works.\nThanks",
        "Thanks,\nI still have no refund",
        "My refund is missing.\nThanks, the parcel came though",
        "Best, the app is great",
    ] {
        let want = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(clean_text(raw), want, "{raw:?}");
    }
}

#[test]
fn keeps_a_message_that_is_only_greeting_or_sign_off() {
    assert_eq!(clean_text("Hi team,"), "Hi team,");
    assert_eq!(clean_text("Thanks,\nJohn"), "Thanks, John");
    assert_eq!(clean_text("Thank you!"), "Thank you!");
}

#[test]
fn footers_are_whole_lines() {
    assert_eq!(
        clean_text("Card declined.\nGet Outlook for iOS"),
        "Card declined."
    );
    assert_eq!(
        clean_text("Card declined.\nSent from Mail for Windows"),
        "Card declined."
    );
    assert_eq!(
        clean_text("Sent from my account page but nothing happened, why?"),
        "Sent from my account page but nothing happened, why?"
    );
    assert_eq!(
        clean_text("Sent from my account page but nothing happened."),
        "Sent from my account page but nothing happened."
    );
    assert_eq!(
        clean_text("Sent from the warehouse yesterday, still not here."),
        "Sent from the warehouse yesterday, still not here."
    );
}

#[test]
fn only_quoted_lines_are_kept_without_markers() {
    // Two TweetEval tweets start with `>`; they are the message, not history.
    assert_eq!(
        clean_text("&gt;&gt; David Wright will make his return to the Mets on Monday in Philly"),
        "David Wright will make his return to the Mets on Monday in Philly"
    );
    assert_eq!(
        clean_text(">> DIRECTIONERS!! NOW WE HAVE TO PROVE"),
        "DIRECTIONERS!! NOW WE HAVE TO PROVE"
    );
    assert_eq!(clean_text("> a\n> > b\n>"), "a b");
    // With a reply above them they are still dropped.
    assert_eq!(clean_text("Yes please.\n> Shall we refund?"), "Yes please.");
    // In an HTML body, `>` lines under an empty reply are history.
    assert_eq!(clean_text("<p>&nbsp;</p>\n> old; quoted"), "");
    // History under an attribution line with nothing above stays empty.
    assert_eq!(
        clean_text("On Mon, 4 Mar 2024, Support wrote:\n> Hello"),
        ""
    );
}

#[test]
fn ticket_text_cleans_body_on_its_own() {
    let t = Ticket {
        subject: Some("Refund &amp; return".into()),
        body: Some("<p>Hi team,</p><p>The refund never came.</p><p>Thanks,<br>John</p>".into()),
        ..Ticket::default()
    };
    assert_eq!(clean_ticket(&t), "Refund & return. The refund never came.");
    let t = Ticket {
        subject: Some("Refund".into()),
        body: Some("<p>&nbsp;</p>".into()),
        ..Ticket::default()
    };
    assert_eq!(clean_ticket(&t), "Refund");
    let t = Ticket {
        body: Some("Hello,\nWhere is my parcel?".into()),
        ..Ticket::default()
    };
    assert_eq!(clean_ticket(&t), "Where is my parcel?");
    assert_eq!(clean_ticket(&Ticket::default()), "");
    assert_eq!(clean_markup(" <b>Re:</b>  Login\n"), "Re: Login");
}

/// Field case 11: HTML bodies (greeting + complaint + sign-off + half with a
/// Gmail-quoted auto-reply) must clean to the plain version's complaint.
#[test]
fn field_case_html_bodies_clean_to_the_plain_complaint() {
    let read = |csv_text: &str| -> HashMap<String, String> {
        let mut r = csv::Reader::from_reader(csv_text.as_bytes());
        let h = r.headers().unwrap().clone();
        let (id, body) = (
            h.iter().position(|c| c == "ticket_id").unwrap(),
            h.iter().position(|c| c == "body").unwrap(),
        );
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                (rec[id].to_string(), rec[body].to_string())
            })
            .collect()
    };
    let html = read(include_str!("../../../tests/data/field/email_html.csv"));
    let plain = read(include_str!("../../../tests/data/field/email_plain.csv"));
    assert_eq!(html.len(), 30);
    let mut misses = Vec::new();
    for (id, body) in &html {
        let got = clean_text(body);
        if got != plain[id] {
            misses.push(format!("{id}: {got:?} != {:?}", plain[id]));
        }
    }
    eprintln!("field case 11: {} of 30 exact", 30 - misses.len());
    assert!(
        misses.len() <= 1,
        "{} of 30 differ:\n{}",
        misses.len(),
        misses.join("\n")
    );
}
