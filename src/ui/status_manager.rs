//! 고객 상태: the list a customer's status is picked from (신규, 상담중,
//! 계약…), edited in a [`ListManager`]; deleting a status leaves its
//! customers without one.

use super::list_manager::{ListKind, ListManager};
use crate::backend::Command;
use crate::domain::{Invalid, Status, StatusId, StatusName};

/// The statuses, as a list the window edits.
pub struct Statuses;

/// The 고객 상태 관리 window.
pub type StatusManager = ListManager<Statuses>;

impl ListKind for Statuses {
    type Id = StatusId;
    type Item = Status;
    type Name = StatusName;
    const SECTION: &'static str = "statuses";

    fn id(item: &Status) -> StatusId {
        item.id
    }

    fn name(item: &Status) -> &str {
        &item.name
    }

    fn check(text: &str) -> Result<StatusName, Invalid> {
        StatusName::new(text)
    }

    fn text(name: &StatusName) -> &str {
        name.as_str()
    }

    fn create(name: StatusName) -> Command {
        Command::CreateStatus(name)
    }

    fn rename(id: StatusId, name: StatusName) -> Command {
        Command::RenameStatus { id, name }
    }

    fn move_to(id: StatusId, position: u32) -> Command {
        Command::MoveStatus { id, position }
    }

    fn delete(id: StatusId) -> Command {
        Command::DeleteStatus(id)
    }
}
