//! Saved SMS texts (SMS문구): create, read, list in order, change, move, delete.
//!
//! Live templates are numbered 0, 1, 2… in list order; a new one goes to the
//! end and [`Store::move_template`] renumbers them all. A deleted template
//! stays in the table out of sight (`deleted_at_ms`), outside the numbering.

use rusqlite::{Row, params};

use super::columns::one_changed;
use super::error::{Result, found};
use super::ordering;
use super::references;
use super::{Store, now_ms};
use crate::domain::{NewTemplate, SenderNumberId, Template, TemplateId, Timestamp};

impl Store {
    /// Saves a template at the end of the list.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for input that breaks a rule of [`NewTemplate::check`],
    /// [`super::Error::NotFound`] for an unknown sender number.
    pub fn create_template(&mut self, template: &NewTemplate) -> Result<TemplateId> {
        let template = template.check()?;
        let tx = self.conn.transaction()?;
        if let Some(sender) = template.sender_number_id {
            references::sender_number(&tx, sender)?;
        }
        tx.execute(
            "INSERT INTO sms_templates (title, subject, body, sender_number_id, advertising,
                 position, created_at_ms, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5,
                 (SELECT coalesce(max(position) + 1, 0) FROM sms_templates
                  WHERE deleted_at_ms IS NULL),
                 ?6, ?6)",
            params![
                template.title,
                template.subject,
                template.body,
                template.sender_number_id.map(|sender| sender.0),
                template.advertising,
                now_ms(),
            ],
        )?;
        let id = TemplateId(tx.last_insert_rowid());
        tx.commit()?;
        Ok(id)
    }

    /// One live template.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such template, or it is deleted.
    pub fn template(&self, id: TemplateId) -> Result<Template> {
        found(
            self.conn
                .prepare_cached(&format!(
                    "{TEMPLATE_SELECT} WHERE id = ?1 AND deleted_at_ms IS NULL"
                ))?
                .query_row([id.0], template_from_row),
            "template",
            id.0,
        )
    }

    /// Every live template in list order.
    ///
    /// # Errors
    /// On a database failure.
    pub fn templates(&self) -> Result<Vec<Template>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "{TEMPLATE_SELECT} WHERE deleted_at_ms IS NULL ORDER BY position, id"
            ))?
            .query_map([], template_from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces a template's title, subject, text, sender number and
    /// advertising flag; its place in the list stays.
    ///
    /// # Errors
    /// [`super::Error::Invalid`] for input that breaks a rule of [`NewTemplate::check`],
    /// [`super::Error::NotFound`] for an unknown template (or a deleted one) or sender number.
    pub fn update_template(&mut self, id: TemplateId, template: &NewTemplate) -> Result<()> {
        let template = template.check()?;
        let tx = self.conn.transaction()?;
        if let Some(sender) = template.sender_number_id {
            references::sender_number(&tx, sender)?;
        }
        let changed = tx.execute(
            "UPDATE sms_templates SET title = ?2, subject = ?3, body = ?4, sender_number_id = ?5,
                 advertising = ?6, updated_at_ms = ?7
             WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![
                id.0,
                template.title,
                template.subject,
                template.body,
                template.sender_number_id.map(|sender| sender.0),
                template.advertising,
                now_ms(),
            ],
        )?;
        one_changed(changed, "template", id.0)?;
        tx.commit()?;
        Ok(())
    }

    /// Moves a live template to `position` in the list (0 is the top; past
    /// the end means the end) and renumbers the others, in one transaction.
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such template, or it is deleted.
    pub fn move_template(&mut self, id: TemplateId, position: u32) -> Result<()> {
        let tx = self.conn.transaction()?;
        ordering::move_to(
            &tx,
            "SELECT id FROM sms_templates WHERE deleted_at_ms IS NULL ORDER BY position, id",
            "UPDATE sms_templates SET position = ?2 WHERE id = ?1 AND position <> ?2",
            "template",
            id.0,
            position,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes a template (kept out of sight).
    ///
    /// # Errors
    /// [`super::Error::NotFound`] when there is no such template, or it is already deleted.
    pub fn delete_template(&mut self, id: TemplateId) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE sms_templates SET deleted_at_ms = ?2 WHERE id = ?1 AND deleted_at_ms IS NULL",
            params![id.0, now_ms()],
        )?;
        one_changed(changed, "template", id.0)
    }
}

const TEMPLATE_SELECT: &str = "SELECT id, title, subject, body, sender_number_id, advertising,
        position, created_at_ms, updated_at_ms
    FROM sms_templates";

fn template_from_row(row: &Row<'_>) -> rusqlite::Result<Template> {
    Ok(Template {
        id: TemplateId(row.get(0)?),
        title: row.get(1)?,
        subject: row.get(2)?,
        body: row.get(3)?,
        sender_number_id: row.get::<_, Option<i64>>(4)?.map(SenderNumberId),
        advertising: row.get(5)?,
        position: row.get(6)?,
        created_at: Timestamp(row.get(7)?),
        updated_at: Timestamp(row.get(8)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewSenderNumber, PhoneNumber, Region};
    use crate::store::Error;
    use crate::store::test_support::store;

    fn new_template(title: &str) -> NewTemplate {
        NewTemplate {
            title: title.to_owned(),
            subject: String::new(),
            body: format!("{title} 본문"),
            sender_number_id: None,
            advertising: false,
        }
    }

    fn titles(store: &Store) -> Vec<String> {
        store
            .templates()
            .unwrap()
            .into_iter()
            .map(|template| template.title)
            .collect()
    }

    fn with_templates(list: &[&str]) -> (Store, Vec<TemplateId>) {
        let mut store = store();
        let ids = list
            .iter()
            .map(|title| store.create_template(&new_template(title)).unwrap())
            .collect();
        (store, ids)
    }

    fn sender(store: &mut Store) -> SenderNumberId {
        store
            .create_sender_number(&NewSenderNumber {
                number: PhoneNumber::parse("1588-1234", Region::KOREA).unwrap(),
                label: String::new(),
            })
            .unwrap()
    }

    #[test]
    fn a_created_template_reads_back_at_the_end() {
        let (mut store, ids) = with_templates(&["방문 안내", "결제 안내"]);
        let sender = sender(&mut store);
        let id = store
            .create_template(&NewTemplate {
                title: " 이벤트 ".to_owned(),
                subject: " [광고] 봄 이벤트 ".to_owned(),
                body: "(광고) 봄맞이 할인\n무료거부 080-000-0000".to_owned(),
                sender_number_id: Some(sender),
                advertising: true,
            })
            .unwrap();
        let read = store.template(id).unwrap();
        assert_eq!(read.title, "이벤트");
        assert_eq!(read.subject, "[광고] 봄 이벤트");
        assert_eq!(read.body, "(광고) 봄맞이 할인\n무료거부 080-000-0000");
        assert_eq!(read.sender_number_id, Some(sender));
        assert!(read.advertising);
        assert_eq!(read.position, 2);
        assert_eq!(store.template(ids[0]).unwrap().position, 0);
        assert_eq!(titles(&store), ["방문 안내", "결제 안내", "이벤트"]);
        assert!(matches!(
            store.template(TemplateId(99)),
            Err(Error::NotFound {
                what: "template",
                id: 99
            })
        ));
    }

    #[test]
    fn bad_input_and_unknown_senders_are_refused() {
        let mut store = store();
        let mut long = new_template("t");
        long.body = "가".repeat(667);
        assert!(matches!(
            store.create_template(&long),
            Err(Error::Invalid(invalid)) if invalid.field == "body"
        ));
        assert!(matches!(
            store.create_template(&new_template(" ")),
            Err(Error::Invalid(invalid)) if invalid.field == "title"
        ));
        let mut unknown = new_template("t");
        unknown.sender_number_id = Some(SenderNumberId(5));
        assert!(matches!(
            store.create_template(&unknown),
            Err(Error::NotFound {
                what: "sender number",
                id: 5
            })
        ));
        assert!(store.templates().unwrap().is_empty());
    }

    #[test]
    fn update_replaces_the_text_and_keeps_the_place() {
        let (mut store, ids) = with_templates(&["a", "b"]);
        let mut changed = new_template("a2");
        changed.body = "새 본문".to_owned();
        store.update_template(ids[0], &changed).unwrap();
        let read = store.template(ids[0]).unwrap();
        assert_eq!((read.title.as_str(), read.body.as_str()), ("a2", "새 본문"));
        assert_eq!(read.position, 0);
        assert!(read.updated_at >= read.created_at);

        assert!(matches!(
            store.update_template(ids[0], &new_template("")),
            Err(Error::Invalid(_))
        ));
        let mut unknown = new_template("a3");
        unknown.sender_number_id = Some(SenderNumberId(5));
        assert!(matches!(
            store.update_template(ids[0], &unknown),
            Err(Error::NotFound {
                what: "sender number",
                ..
            })
        ));
        assert!(matches!(
            store.update_template(TemplateId(99), &changed),
            Err(Error::NotFound {
                what: "template",
                ..
            })
        ));
        assert_eq!(titles(&store), ["a2", "b"]);
    }

    #[test]
    fn moving_renumbers_the_live_templates() {
        let (mut store, ids) = with_templates(&["a", "b", "c", "d"]);
        store.delete_template(ids[1]).unwrap();
        store.move_template(ids[3], 0).unwrap();
        assert_eq!(titles(&store), ["d", "a", "c"]);
        store.move_template(ids[3], 1).unwrap();
        assert_eq!(titles(&store), ["a", "d", "c"]);
        store.move_template(ids[0], u32::MAX).unwrap();
        assert_eq!(titles(&store), ["d", "c", "a"]);
        let positions: Vec<i64> = store
            .templates()
            .unwrap()
            .iter()
            .map(|template| template.position)
            .collect();
        assert_eq!(positions, [0, 1, 2]);
        assert!(matches!(
            store.move_template(ids[1], 0),
            Err(Error::NotFound { .. })
        ));
        // A new template still goes to the end.
        store.create_template(&new_template("e")).unwrap();
        assert_eq!(titles(&store), ["d", "c", "a", "e"]);
    }

    #[test]
    fn a_deleted_template_leaves_the_list() {
        let (mut store, ids) = with_templates(&["a", "b"]);
        store.delete_template(ids[0]).unwrap();
        assert_eq!(titles(&store), ["b"]);
        assert!(matches!(
            store.template(ids[0]),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.delete_template(ids[0]),
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            store.update_template(ids[0], &new_template("a")),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn deleting_the_sender_number_unlinks_it() {
        let mut store = store();
        let sender = sender(&mut store);
        let mut template = new_template("a");
        template.sender_number_id = Some(sender);
        let id = store.create_template(&template).unwrap();
        store.delete_sender_number(sender).unwrap();
        assert_eq!(store.template(id).unwrap().sender_number_id, None);
    }
}
