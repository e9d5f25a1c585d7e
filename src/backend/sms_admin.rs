//! The saved texts (SMS문구) and the registered sender numbers (발신번호) as
//! the window manages them: list, save, reorder, delete, register, relabel,
//! switch on and off, and a text filled in for one customer as a preview.
//!
//! A refusal names the field the person typed into (an [`Event`] carrying
//! [`Invalid`]), so the window can point at it; everything else that fails
//! is an [`Event::Failed`]. After each change the whole list goes back to
//! the window: both lists are short (tens of rows), and a fresh list cannot
//! disagree with the store.

use super::store_thread::{EventSender, Service, answer, failed};
use super::{Command, Event, QueryId};
use crate::domain::{
    CustomerId, Invalid, NewSenderNumber, NewTemplate, PhoneNumber, Problem, SenderNumberId,
    TemplateId,
};
use crate::sms::template;
use crate::store;

impl Service {
    /// Runs one of the SMS문구 / 발신번호 commands; other commands are
    /// not expected here and answer nothing.
    pub(super) fn sms_admin(&mut self, command: Command, events: &EventSender) -> Option<Event> {
        Some(match command {
            Command::LoadTemplates => self.templates(),
            Command::SaveTemplate {
                request,
                id,
                template,
            } => self.save_template(request, id, &template, events),
            Command::MoveTemplate { id, position } => {
                let done = self.store.move_template(id, position);
                self.templates_changed("move template", done)
            }
            Command::DeleteTemplate(id) => {
                let done = self.store.delete_template(id);
                self.templates_changed("delete template", done)
            }
            Command::PreviewTemplate {
                request,
                customer,
                body,
            } => self.preview(request, customer, &body),
            Command::LoadSenders => self.senders(),
            Command::AddSender {
                request,
                number,
                label,
            } => self.add_sender(request, &number, label, events),
            Command::SetSenderLabel { request, id, label } => {
                match self.store.set_sender_label(id, &label) {
                    Ok(()) => {
                        events.send(Event::SenderSaved { request, id });
                        self.senders()
                    }
                    Err(store::Error::Invalid(invalid)) => {
                        Event::SenderRefused { request, invalid }
                    }
                    Err(error) => failed("change sender number", &error),
                }
            }
            Command::SetSenderEnabled { id, enabled } => {
                match self.store.set_sender_enabled(id, enabled) {
                    Ok(()) => self.senders(),
                    Err(error) => failed("change sender number", &error),
                }
            }
            Command::DeleteSender(id) => self.delete_sender(id, events),
            _ => return None,
        })
    }

    fn templates(&self) -> Event {
        answer("load templates", self.store.templates(), Event::Templates)
    }

    fn senders(&self) -> Event {
        answer(
            "load sender numbers",
            self.store.sender_numbers(),
            Event::Senders,
        )
    }

    fn templates_changed(&self, action: &'static str, done: store::Result<()>) -> Event {
        match done {
            Ok(()) => self.templates(),
            Err(error) => failed(action, &error),
        }
    }

    fn save_template(
        &mut self,
        request: QueryId,
        id: Option<TemplateId>,
        new: &NewTemplate,
        events: &EventSender,
    ) -> Event {
        let fields = match self.store.field_defs() {
            Ok(fields) => fields,
            Err(error) => return failed("save template", &error),
        };
        // The store keeps any text; a placeholder nobody can fill would go
        // out to customers as "#{등급}", so it is refused here, as the
        // command line refuses it.
        if let Some(unknown) = template::unknown(&new.body, &fields).first() {
            let invalid = Invalid::new(
                "body",
                Problem::Malformed {
                    value: format!("#{{{}}}", unknown.name),
                    reason: "no such placeholder".to_owned(),
                },
            );
            return Event::TemplateRefused { request, invalid };
        }
        let saved = match id {
            Some(id) => self.store.update_template(id, new).map(|()| id),
            None => self.store.create_template(new),
        };
        match saved {
            Ok(id) => {
                events.send(Event::TemplateSaved { request, id });
                self.templates()
            }
            Err(store::Error::Invalid(invalid)) => Event::TemplateRefused { request, invalid },
            // The number was deleted while the editor was open.
            Err(store::Error::NotFound {
                what: "sender number",
                id,
            }) => Event::TemplateRefused {
                request,
                invalid: Invalid::new(
                    "sender",
                    Problem::Malformed {
                        value: id.to_string(),
                        reason: "this sender number is no longer registered".to_owned(),
                    },
                ),
            },
            Err(error) => failed("save template", &error),
        }
    }

    fn preview(&self, request: QueryId, customer: CustomerId, body: &str) -> Event {
        let filled = || -> store::Result<Event> {
            let customer = self.store.customer(customer)?;
            let fields = self.store.field_defs()?;
            let (text, empty) = template::fill(body, &customer, &fields);
            Ok(Event::TemplatePreview {
                request,
                name: customer.name,
                text,
                empty,
            })
        };
        filled().unwrap_or_else(|error| failed("preview template", &error))
    }

    fn add_sender(
        &mut self,
        request: QueryId,
        number: &str,
        label: String,
        events: &EventSender,
    ) -> Event {
        let number = match PhoneNumber::parse(number, self.settings.phone.default_region) {
            Ok(number) => number,
            Err(error) => {
                return Event::SenderRefused {
                    request,
                    invalid: Invalid::new("number", Problem::Phone(error)),
                };
            }
        };
        match self
            .store
            .create_sender_number(&NewSenderNumber { number, label })
        {
            Ok(id) => {
                events.send(Event::SenderSaved { request, id });
                self.senders()
            }
            Err(store::Error::Invalid(invalid)) => Event::SenderRefused { request, invalid },
            Err(store::Error::Taken { name, .. }) => Event::SenderRefused {
                request,
                invalid: Invalid::new(
                    "number",
                    Problem::Malformed {
                        value: name,
                        reason: "this number is registered already".to_owned(),
                    },
                ),
            },
            Err(error) => failed("add sender number", &error),
        }
    }

    /// Unregisters a number; the store leaves the templates that preferred
    /// it without one, so the template list goes out fresh too.
    fn delete_sender(&mut self, id: SenderNumberId, events: &EventSender) -> Event {
        match self.store.delete_sender_number(id) {
            Ok(()) => {
                events.send(self.templates());
                self.senders()
            }
            Err(error) => failed("delete sender number", &error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use crate::backend::{Backend, Command, Event, QueryId};
    use crate::config::Settings;
    use crate::domain::{CustomerDraft, NewTemplate, PhoneDraft, Region, Template};
    use crate::store::Store;

    const WAIT: Duration = Duration::from_secs(5);

    fn backend(store: Store) -> Backend {
        let settings_file = std::env::temp_dir().join("ringdesk-sms-admin-test-unused.toml");
        Backend::spawn(store, Settings::default(), settings_file, Arc::new(|| {})).unwrap()
    }

    fn template(title: &str, body: &str) -> NewTemplate {
        NewTemplate {
            title: title.to_owned(),
            subject: String::new(),
            body: body.to_owned(),
            sender_number_id: None,
            advertising: false,
        }
    }

    fn titles(templates: &[Template]) -> Vec<&str> {
        templates.iter().map(|t| t.title.as_str()).collect()
    }

    /// The next event, failing the test when none comes.
    fn next(backend: &Backend) -> Event {
        backend.wait_event(WAIT).expect("no answer")
    }

    #[test]
    fn templates_are_saved_moved_refused_and_deleted() {
        let backend = backend(Store::open_in_memory().unwrap());
        for (request, title) in [(1, "방문 안내"), (2, "결제 안내")] {
            backend
                .send(Command::SaveTemplate {
                    request: QueryId(request),
                    id: None,
                    template: template(title, "#{이름}님 안녕하세요"),
                })
                .unwrap();
            assert!(matches!(
                next(&backend),
                Event::TemplateSaved { request: r, .. } if r == QueryId(request)
            ));
            assert!(matches!(next(&backend), Event::Templates(_)));
        }
        backend
            .send(Command::SaveTemplate {
                request: QueryId(3),
                id: None,
                template: template("등급 안내", "#{등급} 고객님"),
            })
            .unwrap();
        let Event::TemplateRefused { request, invalid } = next(&backend) else {
            panic!("an unknown placeholder was not refused");
        };
        assert_eq!((request, invalid.field.as_str()), (QueryId(3), "body"));
        backend
            .send(Command::SaveTemplate {
                request: QueryId(4),
                id: None,
                template: template(" ", "본문"),
            })
            .unwrap();
        assert!(matches!(
            next(&backend),
            Event::TemplateRefused { invalid, .. } if invalid.field == "title"
        ));

        backend.send(Command::LoadTemplates).unwrap();
        let Event::Templates(list) = next(&backend) else {
            panic!("no templates");
        };
        assert_eq!(titles(&list), ["방문 안내", "결제 안내"]);
        backend
            .send(Command::MoveTemplate {
                id: list[1].id,
                position: 0,
            })
            .unwrap();
        let Event::Templates(moved) = next(&backend) else {
            panic!("no templates after moving");
        };
        assert_eq!(titles(&moved), ["결제 안내", "방문 안내"]);
        backend.send(Command::DeleteTemplate(list[0].id)).unwrap();
        let Event::Templates(left) = next(&backend) else {
            panic!("no templates after deleting");
        };
        assert_eq!(titles(&left), ["결제 안내"]);
    }

    #[test]
    fn senders_are_registered_refused_switched_and_deleted() {
        let backend = backend(Store::open_in_memory().unwrap());
        backend
            .send(Command::AddSender {
                request: QueryId(1),
                number: "02-2299-7123".to_owned(),
                label: "본사".to_owned(),
            })
            .unwrap();
        let Event::SenderSaved { request, id } = next(&backend) else {
            panic!("not registered");
        };
        assert_eq!(request, QueryId(1));
        assert!(matches!(next(&backend), Event::Senders(list) if list.len() == 1));
        for (request, number, field) in [
            (2, "12", "number"),
            (3, "1001", "number"),
            (4, "+82 2 2299 7123", "number"),
        ] {
            backend
                .send(Command::AddSender {
                    request: QueryId(request),
                    number: number.to_owned(),
                    label: String::new(),
                })
                .unwrap();
            assert!(
                matches!(
                    next(&backend),
                    Event::SenderRefused { request: r, invalid } if r == QueryId(request) && invalid.field == field
                ),
                "{number}"
            );
        }
        backend
            .send(Command::SetSenderLabel {
                request: QueryId(5),
                id,
                label: "가".repeat(51),
            })
            .unwrap();
        assert!(matches!(
            next(&backend),
            Event::SenderRefused { invalid, .. } if invalid.field == "label"
        ));
        backend
            .send(Command::SetSenderEnabled { id, enabled: false })
            .unwrap();
        assert!(matches!(next(&backend), Event::Senders(list) if !list[0].enabled));

        // A template that prefers the number is left without one.
        backend
            .send(Command::SaveTemplate {
                request: QueryId(6),
                id: None,
                template: NewTemplate {
                    sender_number_id: Some(id),
                    ..template("안내", "본문")
                },
            })
            .unwrap();
        assert!(matches!(next(&backend), Event::TemplateSaved { .. }));
        assert!(matches!(next(&backend), Event::Templates(_)));
        backend.send(Command::DeleteSender(id)).unwrap();
        assert!(matches!(
            next(&backend),
            Event::Templates(list) if list[0].sender_number_id.is_none()
        ));
        assert!(matches!(next(&backend), Event::Senders(list) if list.is_empty()));
    }

    #[test]
    fn a_preview_fills_the_text_for_the_customer() {
        let mut store = Store::open_in_memory().unwrap();
        let draft = CustomerDraft {
            name: "홍길동".to_owned(),
            phones: vec![PhoneDraft {
                label: String::new(),
                number: "010-1234-5678".to_owned(),
            }],
            ..CustomerDraft::default()
        };
        let customer = store
            .create_customer(&draft.check(Region::KOREA, &[]).unwrap())
            .unwrap();
        let backend = backend(store);
        backend
            .send(Command::PreviewTemplate {
                request: QueryId(9),
                customer,
                body: "#{이름}님, #{회사} 담당자께".to_owned(),
            })
            .unwrap();
        assert_eq!(
            next(&backend),
            Event::TemplatePreview {
                request: QueryId(9),
                name: "홍길동".to_owned(),
                text: "홍길동님,  담당자께".to_owned(),
                empty: vec!["회사".to_owned()],
            }
        );
    }
}
