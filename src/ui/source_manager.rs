//! 인지경로: the list a customer's source is picked from (전화, 방문,
//! 페이스북…), edited in a [`ListManager`]. Renaming a source renames it on
//! its customers; deleting one takes it off the list while its customers
//! keep it.

use super::list_manager::{ListKind, ListManager};
use crate::backend::Command;
use crate::domain::{Invalid, Source, SourceId, SourceName};

/// The sources, as a list the window edits.
pub struct Sources;

/// The 인지경로 관리 window.
pub type SourceManager = ListManager<Sources>;

impl ListKind for Sources {
    type Id = SourceId;
    type Item = Source;
    type Name = SourceName;
    const SECTION: &'static str = "sources";

    fn id(item: &Source) -> SourceId {
        item.id
    }

    fn name(item: &Source) -> &str {
        &item.name
    }

    fn check(text: &str) -> Result<SourceName, Invalid> {
        SourceName::new(text)
    }

    fn text(name: &SourceName) -> &str {
        name.as_str()
    }

    fn create(name: SourceName) -> Command {
        Command::CreateSource(name)
    }

    fn rename(id: SourceId, name: SourceName) -> Command {
        Command::RenameSource { id, name }
    }

    fn move_to(id: SourceId, position: u32) -> Command {
        Command::MoveSource { id, position }
    }

    fn delete(id: SourceId) -> Command {
        Command::DeleteSource(id)
    }
}
