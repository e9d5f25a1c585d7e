//! What the backend tells the window.

use std::path::PathBuf;
use std::sync::Arc;

use super::command::QueryId;
use super::import_commands::{ImportPlan, ImportProblem};
use super::merge_commands::DuplicateGroup;
use crate::config::Settings;
use crate::domain::note::Note;
use crate::domain::{BatchId, BatchSummary, Candidate, RecipientResult, Role, TimelinePage};
use crate::domain::{
    Call, CallId, Customer, CustomerId, CustomerSummary, FieldDef, FieldId, Invalid, ListRow,
    LoggedMessage, Message, MessageId, PhoneNumber, Picture, ReceivedMessage, SavedView,
    SenderNumber, SenderNumberId, SignInRefusal, Source, Status, Template, TemplateId, User,
};
use crate::import::{ReadError, ReadStage, Workbook};
use crate::pbx::tracker::{CallChange, TrackedCall};
use crate::pbx::{LinkState, OriginateOutcome};
use crate::sms::compose::DraftProblem;
use crate::sms::free_numbers::FreeNumbers;
use crate::sms::picture_file::PictureFileError;
use crate::sms::sheet_targets::SheetTargets;
use crate::store::{Group, ImportPhase, Tag};
use crate::store::{MergePlan, MergeRecord};
// Groups are not among the lookups: the group tree's [`Event::Groups`]
// carries them, counted once.

/// Why a sign-in or a change to users was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountProblem {
    /// A field (`login`, `display_name`, `extension`, `password`) breaks its rule.
    Invalid(Invalid),
    /// The login is in use.
    Taken(String),
    /// The password (or old password) was refused.
    SignIn(SignInRefusal),
    /// Only this role may do it.
    NotAllowed {
        /// The role it needs.
        needs: Role,
    },
    /// An admin tried to disable their own account.
    NotYourself,
    /// Somebody can sign in already: the first admin exists.
    AlreadySetUp,
    /// Nobody is signed in.
    NotSignedIn,
    /// The database failed; the message says how.
    Failed(String),
}

/// News from the backend. The window drains these each frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Another start of ringdesk handed over to this window: come to the
    /// front, and with `dial` open the dial dialog on that number (as found
    /// in a `tel:` / `callto:` link, not yet read as a phone number).
    HandedOver {
        /// The number to dial, when the start was `ringdesk dial …`.
        dial: Option<String>,
    },
    /// The number of live customers.
    CustomerCount(u64),
    /// The customers who look like one person, largest sets first.
    DuplicatesFound {
        /// The request answered.
        request: QueryId,
        /// The sets (at most 500).
        sets: Vec<DuplicateGroup>,
        /// Sets found beyond those.
        more: usize,
        /// The last merge not undone, for 병합 취소.
        last_merge: Option<MergeRecord>,
    },
    /// What a merge would do.
    MergePlanned {
        /// The request answered.
        request: QueryId,
        /// Both cards, the fields they differ in, what is kept anyway.
        plan: Box<MergePlan>,
    },
    /// A merge, its plan or its undo was refused (one customer twice, one
    /// in the recycle bin, changed since); nothing changed.
    MergeRefused {
        /// The request answered.
        request: QueryId,
        /// Why, for the person at the desk.
        message: String,
    },
    /// Two customers were merged.
    Merged {
        /// The request answered.
        request: QueryId,
        /// The merge.
        record: MergeRecord,
    },
    /// A merge was undone: both customers are as they were.
    MergeUndone {
        /// The request answered.
        request: QueryId,
        /// The merge taken back.
        record: MergeRecord,
    },
    /// One page of search results for `query_id`.
    SearchResults {
        /// The request these answer.
        query_id: QueryId,
        /// Results, best first.
        hits: Vec<CustomerSummary>,
        /// True when a further page has results.
        has_more: bool,
    },
    /// A customer's whole card.
    Card(Box<CustomerCard>),
    /// A further page of a customer's timeline ([`super::Command::LoadTimeline`]).
    Timeline {
        /// The customer.
        id: CustomerId,
        /// The page.
        page: TimelinePage,
    },
    /// Other customers with a number or the e-mail of a form
    /// ([`super::Command::FindHolders`]).
    Holders {
        /// The question answered.
        request: QueryId,
        /// Each one found.
        holders: Vec<Holder>,
    },
    /// The groups with their member counts, parents before children.
    Groups(Vec<Group>),
    /// Today's calls, newest first.
    TodayCalls(Vec<Call>),
    /// What forms and filters choose from.
    Lookups(Box<Lookups>),
    /// A customer was saved.
    CustomerSaved {
        /// The request this answers.
        request: QueryId,
        /// The customer's id (new or as given).
        id: CustomerId,
    },
    /// A customer was not saved because a field is wrong; nothing was written.
    CustomerRefused {
        /// The request this answers.
        request: QueryId,
        /// Which field and why.
        invalid: Invalid,
    },
    /// A customer went to the recycle bin.
    CustomerDeleted(CustomerId),
    /// How many live customers hold a value in a field.
    FieldUsage {
        /// The field.
        id: FieldId,
        /// Customers holding a value.
        customers: u64,
    },
    /// The settings were written, or someone signed in, and these are in
    /// use: the desk's with the signed-in user's own over them.
    SettingsSaved(Box<Settings>),
    /// Whether the window asks for the first admin (nobody can sign in
    /// yet) or for a sign-in.
    SignInState {
        /// Nobody can sign in yet.
        first_run: bool,
    },
    /// Signed in: changes are now recorded as this user's, and the backend
    /// acts with their role. [`Event::SettingsSaved`] follows with the
    /// settings they work with.
    SignedIn(User),
    /// A password change or a user added, reset or switched is done.
    AccountDone {
        /// The request it answers.
        request: QueryId,
    },
    /// A sign-in or account change was refused; nothing was changed
    /// (wrong passwords are counted).
    AccountRefused {
        /// The request it answers.
        request: QueryId,
        /// Why.
        problem: AccountProblem,
    },
    /// Every user, by login (for admins).
    Users(Vec<User>),
    // Saved texts (SMS문구) and sender numbers (발신번호): one block.
    /// Every saved text in list order.
    Templates(Vec<Template>),
    /// A saved text was written.
    TemplateSaved {
        /// The request this answers.
        request: QueryId,
        /// Its id (new or as given).
        id: TemplateId,
    },
    /// A saved text was not written because a field is wrong.
    TemplateRefused {
        /// The request this answers.
        request: QueryId,
        /// Which field (`title`, `subject`, `body`, `sender`) and why.
        invalid: Invalid,
    },
    /// A saved text filled in for one customer.
    TemplatePreview {
        /// The request this answers.
        request: QueryId,
        /// The customer's name, to say whose details these are.
        name: String,
        /// The text as it would be sent.
        text: String,
        /// Placeholders the customer has no value for (left empty).
        empty: Vec<String>,
    },
    /// Every registered sender number, in the order registered.
    Senders(Vec<SenderNumber>),
    /// A sender number was registered or relabelled.
    SenderSaved {
        /// The request this answers.
        request: QueryId,
        /// The number.
        id: SenderNumberId,
    },
    /// A sender number was not registered or relabelled because a field is wrong.
    SenderRefused {
        /// The request this answers.
        request: QueryId,
        /// Which field (`number` or `label`) and why.
        invalid: Invalid,
    },
    /// The B2B view: company e-mail domains, most customers first.
    BusinessDomains(Vec<crate::domain::BusinessDomain>),
    /// A page of the audit log ([`super::Command::LoadAudit`]).
    AuditEntries {
        /// The request answered.
        request: super::QueryId,
        /// The entries, newest first.
        entries: Vec<crate::domain::AuditEntry>,
    },
    /// How many customers a list filter matches.
    ListCount {
        /// The request this answers.
        query_id: QueryId,
        /// Matching customers.
        total: u64,
    },
    /// One page of the customer list.
    ListPage {
        /// The request this answers.
        query_id: QueryId,
        /// Where the page starts.
        offset: u32,
        /// The rows.
        rows: Vec<ListRow>,
    },
    /// One page of the call log.
    CallPage {
        /// The request this answers.
        request: QueryId,
        /// Where the page starts.
        offset: u32,
        /// How many calls the filter matches in all.
        total: u64,
        /// The page's calls, newest first.
        calls: Vec<Call>,
    },
    /// A call's memo was saved.
    CallMemoSaved {
        /// The call.
        id: CallId,
    },
    /// A bulk action is done; `changed` customers were affected.
    BulkDone {
        /// Customers changed.
        changed: usize,
    },
    /// The link to the PBX changed state.
    PbxLink(LinkState),
    /// A call for this agent is ringing: who it is, for the pop-up. Sent
    /// before the call is logged, so the card comes first.
    CallRinging(Box<CallPopup>),
    /// A call of this agent's started ringing, was answered or ended, and
    /// is logged (`id`, unless logging failed).
    CallChanged {
        /// What happened.
        change: CallChange,
        /// The call as it now is.
        call: Box<TrackedCall>,
        /// Its row in the call log.
        id: Option<CallId>,
        /// The customer the number belongs to, when exactly one does.
        customer: Option<CustomerSummary>,
    },
    /// A click-to-call request ended.
    Dialled {
        /// The number, as shown.
        number: String,
        /// How it went.
        outcome: OriginateOutcome,
    },
    /// A message passed the composer's check and is in the outbox.
    SmsQueued {
        /// The [`super::Command::SendSms`] this answers.
        request: QueryId,
        /// The queued message.
        id: MessageId,
    },
    /// A message was not queued; nothing was written.
    SmsRefused {
        /// The [`super::Command::SendSms`] this answers.
        request: QueryId,
        /// Every problem, each naming the composer field to point at.
        problems: Vec<DraftProblem>,
    },
    /// One page of the message log.
    MessagePage {
        /// The request this answers.
        request: QueryId,
        /// Where the page starts.
        offset: u32,
        /// How many messages the filter matches in all.
        total: u64,
        /// The page's messages, newest first.
        rows: Vec<LoggedMessage>,
        /// The names of the customers the page's sent messages went to
        /// (a received message carries its sender's name itself).
        customers: Vec<(CustomerId, String)>,
    },
    /// A picture was read for a composer's MMS.
    PictureLoaded {
        /// The [`super::Command::LoadPicture`] this answers.
        request: QueryId,
        /// The file it came from, for its name.
        path: PathBuf,
        /// The JPEG, checked: at most 300 KB.
        picture: Picture,
    },
    /// A picture could not be attached; the error names the file.
    PictureRefused {
        /// The [`super::Command::LoadPicture`] this answers.
        request: QueryId,
        /// Why.
        error: PictureFileError,
    },
    /// A failed message was queued again as a new message.
    MessageResent {
        /// The failed message, which stays as it was.
        original: MessageId,
        /// The new, queued copy.
        id: MessageId,
    },
    /// A sent message was queued or changed state (sending, sent,
    /// delivered, failed, back in the outbox for a retry): open windows
    /// showing it update their row.
    MessageChanged(Box<Message>),
    /// A customer sent a message in; it is in the log.
    MessageReceived(Box<ReceivedMessage>),
    /// How the SMS gateway stands, for the status bar: sent when it opens
    /// or fails to, and each time its credit is read.
    SmsGateway {
        /// The gateway's name (`dry-run`, `Kannel`…).
        name: String,
        /// The messages the credit left pays for, for gateways that sell
        /// credit; None for those that do not, or when it could not be read.
        balance: Option<u64>,
        /// Why the gateway cannot be used or its credit not read, if so.
        problem: Option<String>,
    },
    // Bulk sends (대량·임의·엑셀문자발송, 문자발송결과): one block.
    /// The customers a recipient list gathered, by name.
    Candidates {
        /// The request this answers.
        request: QueryId,
        /// Each with all their numbers.
        candidates: Vec<Candidate>,
    },
    /// Pasted numbers sorted out.
    FreeNumbersSorted {
        /// The request this answers.
        request: QueryId,
        /// The numbers, the pieces left out and the repeats.
        numbers: Box<FreeNumbers>,
    },
    /// A spreadsheet or text file was read.
    SheetRead {
        /// The request this answers.
        request: QueryId,
        /// The file.
        path: PathBuf,
        /// Its sheets, and the encoding and separator a text file was read with.
        workbook: Box<Workbook>,
    },
    /// How far reading a file got (sent at most every tenth of a second).
    SheetProgress {
        /// The request this answers.
        request: QueryId,
        /// Loading its bytes or parsing its rows.
        stage: ReadStage,
        /// How much of the stage is done.
        done: u64,
        /// The stage's whole (0 when not known).
        total: u64,
    },
    /// A file could not be read as a sheet.
    SheetRefused {
        /// The request this answers.
        request: QueryId,
        /// Why.
        error: ReadError,
    },
    /// A sheet's rows sorted into messages and rows left out.
    SheetSorted {
        /// The request this answers.
        request: QueryId,
        /// The result.
        targets: Box<SheetTargets>,
    },
    /// A bulk send was stored; it runs now or at its scheduled time.
    BatchStarted {
        /// The request this answers.
        request: QueryId,
        /// The batch.
        id: BatchId,
    },
    /// A bulk send was not stored; nothing will be sent.
    BatchRefused {
        /// The request this answers.
        request: QueryId,
        /// Why.
        problem: BatchProblem,
    },
    /// How a bulk send stands: after each chunk, each second while its
    /// messages are on their way, and after a pause, resume, cancel or retry.
    BatchProgress(Box<BatchSummary>),
    /// One page of bulk sends.
    BatchPage {
        /// The request this answers.
        request: QueryId,
        /// Bulk sends in the period.
        total: u32,
        /// Where the page starts.
        offset: u32,
        /// The page, newest first.
        rows: Vec<BatchSummary>,
    },
    /// One page of a bulk send's recipients.
    RecipientPage {
        /// The request this answers.
        request: QueryId,
        /// The batch.
        batch: BatchId,
        /// Where the page starts.
        offset: u32,
        /// The page, in list order.
        rows: Vec<RecipientResult>,
    },
    /// A file's customers sorted and checked against the book.
    ImportPrepared {
        /// The request this answers.
        request: QueryId,
        /// What an import would do; [`super::Command::RunImport`] takes it back.
        plan: Arc<ImportPlan>,
    },
    /// An import could not be prepared or run; nothing was written.
    ImportRefused {
        /// The request this answers.
        request: QueryId,
        /// Why.
        problem: ImportProblem,
    },
    /// How far a prepare or an import got (at most about ten a second).
    ImportProgress {
        /// The request it is for.
        request: QueryId,
        /// The stage it is in.
        phase: ImportPhase,
        /// Rows done in this stage.
        done: u64,
        /// Rows in this stage.
        total: u64,
    },
    /// An import mapping was saved, or could not be.
    ImportMappingSaved {
        /// The request this answers.
        request: QueryId,
        /// Its name, trimmed.
        name: String,
        /// Why not, in words.
        result: Result<(), String>,
    },
    /// An import was written.
    Imported {
        /// The request this answers.
        request: QueryId,
        /// New customers.
        imported: usize,
        /// Existing customers filled in.
        updated: usize,
    },
    /// A table was written to a file, or could not be.
    Exported {
        /// The request this answers.
        request: QueryId,
        /// The file.
        path: PathBuf,
        /// Rows written, or why none were.
        result: Result<u64, String>,
    },
    /// A request refused because the signed-in user's role may not do it
    /// (an agent's export); nothing was done.
    NotAllowed {
        /// The request this answers.
        request: QueryId,
        /// The least role that may.
        needs: Role,
    },
    /// A request failed; `message` is for the person at the desk.
    Failed {
        /// What was being done ("search", "load customer"…).
        action: &'static str,
        /// Why, in words.
        message: String,
    },
}

/// Why a bulk send was not stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchProblem {
    /// Bulk sending needs a manager or an admin.
    #[error("bulk sending needs the manager or admin role; this desk is set up as {role}")]
    NotAllowed {
        /// The role the desk has.
        role: Role,
    },
    /// A field is wrong (no recipients, the text too long…).
    #[error(transparent)]
    Invalid(Invalid),
}

/// One customer with everything the card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerCard {
    /// The customer.
    pub customer: Customer,
    /// Latest calls, newest first.
    pub calls: Vec<Call>,
    /// Latest messages, newest first.
    pub messages: Vec<Message>,
    /// Notes, newest first.
    pub notes: Vec<Note>,
    /// The first page of the timeline: calls, messages, notes and changes
    /// to the card, newest first.
    pub timeline: TimelinePage,
}

/// What the pop-up shows about a ringing call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallPopup {
    /// The call.
    pub call: TrackedCall,
    /// The other party's number, parsed (withheld when the PBX gave none).
    pub number: PhoneNumber,
    /// The customers with that number (several when a family or company
    /// shares it), each with what the pop-up shows; empty for a stranger.
    pub matches: Vec<PopupMatch>,
}

/// One customer a ringing number belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct PopupMatch {
    /// The customer, with groups and user-defined fields.
    pub customer: Customer,
    /// Their latest call before this one, with its memo.
    pub last_call: Option<Call>,
    /// Their latest note.
    pub latest_note: Option<Note>,
}

/// The lists forms and filters choose from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lookups {
    /// User-defined fields in their order.
    pub fields: Vec<FieldDef>,
    /// Customer statuses in their order.
    pub statuses: Vec<Status>,
    /// Customer sources (인지경로) in their order.
    pub sources: Vec<Source>,
    /// Users (assignees).
    pub users: Vec<User>,
    /// Tags with their counts.
    pub tags: Vec<Tag>,
    /// The saved views this desk's user sees, by name.
    pub views: Vec<SavedView>,
}

/// Another customer who already has a number or the e-mail typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Which: the form's number at this place (from 0), or the e-mail.
    pub of: HeldBy,
    /// The customer.
    pub customer: CustomerId,
    /// Their name.
    pub name: String,
}

/// What a [`Holder`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldBy {
    /// The number at this place in the form.
    Number(usize),
    /// The e-mail.
    Email,
}
