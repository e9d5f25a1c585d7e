//! Plain types and rules, no I/O: ids, phone numbers, customers, user-defined
//! fields, and the checks that turn typed input into values the store accepts.

pub mod audit;
pub mod batch;
pub mod business;
pub mod call;
pub mod call_filter;
pub mod consent;
pub mod customer;
pub mod customer_filter;
pub mod customer_record;
pub mod dial_link;
pub mod email;
pub mod field;
pub mod history;
pub mod ids;
mod input;
pub mod invalid;
pub mod log_owner;
pub mod message;
pub mod message_filter;
pub mod note;
pub mod password;
pub mod permission;
pub mod phone;
pub mod picture;
pub mod privacy;
pub mod received;
pub mod saved_view;
pub mod search;
pub mod sender;
pub mod source;
pub mod status;
pub mod template;
pub mod time;
pub mod user;

pub use audit::{AuditAction, AuditEntry, AuditFilter};
pub use batch::{
    Batch, BatchKind, BatchRecipient, BatchState, BatchSummary, BatchTotals, Candidate,
    CandidateNumber, NewBatch, NewRecipient, RecipientOutcome, RecipientResult, Skip, SkipReason,
};
pub use business::{BusinessDomain, FreeMailDomains, email_domain};
pub use call::{Call, CallRecord, Direction, Outcome};
pub use call_filter::{CallFilter, NumberFragment};
pub use consent::ConsentChannel;
pub use customer::{
    Customer, CustomerDraft, CustomerField, CustomerPhone, CustomerSummary, LabeledPhone, ListRow,
    MergedInto, NewCustomer, PhoneDraft,
};
pub use customer_filter::{
    CheckedCondition, Comparison, Condition, CustomerFilter, CustomerSort, DateField, DateFilter,
    DatePreset, FilterField, Join, Operand, Operator, SortColumn,
};
pub use customer_record::{CustomerRecord, CustomerSource, Listed, RecordNote, RecordPhone};
pub use email::Email;
pub use field::{FieldDef, FieldKind, FieldValue, NewFieldDef};
pub use history::{Actor, CardText, Change, ChangeKind, HistoryEntry, TimelineItem, TimelinePage};
pub use ids::*;
pub use invalid::{Invalid, Problem};
pub use log_owner::LogOwner;
pub use message::{Message, MessageCounts, MessageKind, MessageState, NewMessage};
pub use message_filter::{LoggedMessage, MessageDirection, MessageFilter};
pub use password::{Attempts, Password, Secret, SignInRefusal};
pub use permission::{Action, NotAllowed};
pub use phone::{PhoneError, PhoneNumber, Region, RegionError};
pub use picture::{MessageImage, Picture};
pub use received::{NewReceived, ReceivedMessage};
pub use saved_view::{NewSavedView, SavedView, ViewLayout, ViewName};
pub use sender::{NewSenderNumber, SenderNumber};
pub use source::{Source, SourceName};
pub use status::{Status, StatusName};
pub use template::{NewTemplate, Template};
pub use time::Timestamp;
pub use user::{NewUser, Role, User, UserUpdate};
