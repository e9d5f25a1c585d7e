//! A customer group named on the command line (`--group NAME`): by its own
//! name, or by its path `parent/child` where two groups share a name.

use super::Error;
use crate::domain::{GroupId, Invalid, Problem};
use crate::store::{Group, Store};

/// The group called `name`, or the one at the path `parent/child`; refused
/// (naming `option`) when none or several are called so.
pub(super) fn group_named(store: &Store, option: &str, name: &str) -> Result<GroupId, Error> {
    let groups = store.groups()?;
    let wanted = name.trim();
    let found: Vec<&Group> = groups
        .iter()
        .filter(|group| group.name == wanted || path_of(&groups, group) == wanted)
        .collect();
    let refused = |reason: String| {
        Error::Invalid(Invalid::new(
            option,
            Problem::Malformed {
                value: name.to_owned(),
                reason,
            },
        ))
    };
    match found.as_slice() {
        [group] => Ok(group.id),
        [] if groups.is_empty() => Err(refused("there are no customer groups".to_owned())),
        [] => Err(refused(format!(
            "no group is called so; the groups are: {}",
            paths(&groups, groups.iter())
        ))),
        several => Err(refused(format!(
            "several groups are called so; name one by its path: {}",
            paths(&groups, several.iter().copied())
        ))),
    }
}

/// `group`'s path from the top of the tree, `parent/child`.
fn path_of(groups: &[Group], group: &Group) -> String {
    let mut names = Vec::new();
    let mut at = Some(group);
    while let Some(group) = at {
        names.push(group.name.as_str());
        at = group
            .parent_id
            .and_then(|parent| groups.iter().find(|group| group.id == parent));
    }
    names.reverse();
    names.join("/")
}

/// The paths of `listed`, comma-separated.
fn paths<'a>(groups: &[Group], listed: impl Iterator<Item = &'a Group>) -> String {
    listed
        .map(|group| path_of(groups, group))
        .collect::<Vec<_>>()
        .join(", ")
}
