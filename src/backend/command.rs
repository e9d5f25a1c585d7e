//! What the window asks the backend to do.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::import_commands::{ImportCancel, ImportChoice, ImportPlan};
use crate::config::Settings;
use crate::domain::{BatchId, NewBatch, NewRecipient, NewUser, Secret, Timestamp};
use crate::domain::{
    CallFilter, CallId, CustomerDraft, CustomerFilter, CustomerId, CustomerSort, FieldDef, FieldId,
    FieldKind, GroupId, MessageFilter, MessageId, NewFieldDef, NewTemplate, SavedViewId,
    SenderNumberId, SourceId, SourceName, StatusId, StatusName, TemplateId, UserId, UserUpdate,
    ViewLayout, ViewName,
};
use crate::import::customer_columns::ColumnRole;
use crate::import::customer_import::OnDuplicate;
use crate::import::{ReadOptions, Sheet, Workbook};
use crate::sms::compose::Draft;
use crate::sms::sheet_targets::SheetMapping;
use crate::store::Side;

/// Identifies one search-as-you-type or list request; results carry it back
/// so the window can drop answers to questions it no longer asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct QueryId(pub u64);

/// A request from the window. Every variant is answered by one or more
/// [`super::Event`]s, or by [`super::Event::Failed`].
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Count the live customers; answered by [`super::Event::CustomerCount`].
    CountCustomers,
    /// Find the customers who look like one person (중복 고객 찾기);
    /// answered by [`super::Event::DuplicatesFound`].
    FindDuplicates {
        /// Carried back by the answer.
        request: QueryId,
    },
    /// What merging `other` into `keep` would do; answered by
    /// [`super::Event::MergePlanned`] or [`super::Event::MergeRefused`].
    PlanMerge {
        /// Carried back by the answer.
        request: QueryId,
        /// The customer who stays.
        keep: CustomerId,
        /// The customer merged into it.
        other: CustomerId,
    },
    /// Merge `other` into `keep`, each field in `choices` taking that
    /// side's value (the rest their default); answered by
    /// [`super::Event::Merged`] (then the customer count and groups) or
    /// [`super::Event::MergeRefused`].
    MergeCustomers {
        /// Carried back by the answer.
        request: QueryId,
        /// The customer who stays.
        keep: CustomerId,
        /// The customer merged into it, then in the recycle bin.
        other: CustomerId,
        /// Field key → whose value it takes.
        choices: BTreeMap<String, Side>,
    },
    /// Undo the last merge (병합 취소); answered by
    /// [`super::Event::MergeUndone`] (then the customer count and groups)
    /// or [`super::Event::MergeRefused`].
    UndoMerge {
        /// Carried back by the answer.
        request: QueryId,
    },
    /// Search customers. Queued searches from the same box are coalesced:
    /// only the newest of each box runs. Answered by
    /// [`super::Event::SearchResults`].
    SearchCustomers {
        /// Which search box asks (each is coalesced apart).
        from: SearchBox,
        /// Echoed in the answer.
        query_id: QueryId,
        /// What was typed.
        text: String,
        /// Rows to skip.
        offset: u32,
        /// Most rows to return.
        limit: u32,
    },
    /// The whole card of one customer with its calls, messages and notes;
    /// answered by [`super::Event::Card`].
    LoadCard {
        /// Which customer.
        id: CustomerId,
    },
    /// Who else has these numbers or this e-mail, for the customer form's
    /// warning; answered by [`super::Event::Holders`].
    FindHolders {
        /// Ties the answer to the question.
        request: QueryId,
        /// The numbers as typed, in the form's order.
        numbers: Vec<String>,
        /// The e-mail as typed.
        email: String,
        /// The customer being edited, who does not count.
        except: Option<CustomerId>,
    },
    /// The group tree with member counts; answered by [`super::Event::Groups`].
    LoadGroups,
    /// Today's calls (local time); answered by [`super::Event::TodayCalls`].
    LoadTodayCalls,
    /// What the forms and filters choose from (fields, statuses, users,
    /// groups, tags); answered by [`super::Event::Lookups`].
    LoadLookups,
    /// Create (`id` None) or update a customer; answered by
    /// [`super::Event::CustomerSaved`] or [`super::Event::CustomerRefused`].
    SaveCustomer {
        /// Echoed in the answer, so the form that asked knows it is meant.
        request: QueryId,
        /// The customer to update, or None for a new one.
        id: Option<CustomerId>,
        /// What was typed.
        draft: Box<CustomerDraft>,
    },
    /// A further page of a customer's timeline (calls, messages, notes and
    /// changes, newest first); answered by [`super::Event::Timeline`]. The
    /// first page comes with the card.
    LoadTimeline {
        /// Which customer.
        id: CustomerId,
        /// Items to skip (those already shown).
        offset: u32,
    },
    /// Move a customer to the recycle bin; answered by [`super::Event::CustomerDeleted`].
    DeleteCustomer {
        /// Which customer.
        id: CustomerId,
    },
    /// Remove every customer in the recycle bin for good (admins only);
    /// answered by [`super::Event::BulkDone`] with how many.
    EmptyRecycleBin,
    /// Add a note to a customer; answered by a fresh [`super::Event::Card`].
    AddNote {
        /// Which customer.
        customer: CustomerId,
        /// The note as typed.
        body: String,
    },
    /// Define a new user-defined field; answered by fresh [`super::Event::Lookups`].
    CreateField(NewFieldDef),
    /// Change a field's label, choices, flags or position; answered by fresh
    /// [`super::Event::Lookups`].
    UpdateField(FieldDef),
    /// Change a field's type, converting its values, or refuse when some
    /// would be lost; answered by fresh [`super::Event::Lookups`].
    ChangeFieldKind {
        /// Which field.
        id: FieldId,
        /// The new type.
        kind: FieldKind,
        /// The choices, for a choice list.
        choices: Vec<String>,
    },
    /// How many customers hold a value in a field; answered by
    /// [`super::Event::FieldUsage`].
    CountFieldValues(FieldId),
    /// Retire a field; answered by fresh [`super::Event::Lookups`].
    DeleteField(FieldId),
    /// Save the list's filter, columns and order under a name, for this
    /// desk's user (or everyone, `shared`); answered by fresh
    /// [`super::Event::Lookups`].
    SaveView {
        /// Its name.
        name: ViewName,
        /// Everyone sees it.
        shared: bool,
        /// What it shows.
        layout: Box<ViewLayout>,
    },
    /// Delete a saved view; answered by fresh [`super::Event::Lookups`].
    DeleteView(SavedViewId),
    /// Add a customer status at the end of the list; answered by fresh
    /// [`super::Event::Lookups`].
    CreateStatus(StatusName),
    /// Rename a status; answered by fresh [`super::Event::Lookups`].
    RenameStatus {
        /// Which status.
        id: StatusId,
        /// Its new name.
        name: StatusName,
    },
    /// Move a status to a place in the list (0 is the top); answered by
    /// fresh [`super::Event::Lookups`].
    MoveStatus {
        /// Which status.
        id: StatusId,
        /// Where to.
        position: u32,
    },
    /// Delete a status (its customers are left without one); answered by
    /// fresh [`super::Event::Lookups`].
    DeleteStatus(StatusId),
    /// Add a customer source (인지경로) at the end of the list; answered by
    /// fresh [`super::Event::Lookups`].
    CreateSource(SourceName),
    /// Rename a source and the source of every customer that has it;
    /// answered by fresh [`super::Event::Lookups`] (and
    /// [`super::Event::BulkDone`] when customers were renamed).
    RenameSource {
        /// Which source.
        id: SourceId,
        /// Its new name.
        name: SourceName,
    },
    /// Move a source to a place in the list (0 is the top); answered by
    /// fresh [`super::Event::Lookups`].
    MoveSource {
        /// Which source.
        id: SourceId,
        /// Where to.
        position: u32,
    },
    /// Take a source off the list (its customers keep it); answered by
    /// fresh [`super::Event::Lookups`].
    DeleteSource(SourceId),
    /// Make a group, at the top or under `parent`; answered by fresh
    /// [`super::Event::Groups`] and [`super::Event::Lookups`].
    CreateGroup {
        /// Its name.
        name: String,
        /// The group it sits under, if any.
        parent: Option<GroupId>,
    },
    /// Rename a group; answered as [`Command::CreateGroup`].
    RenameGroup {
        /// Which group.
        id: GroupId,
        /// The new name.
        name: String,
    },
    /// Remove a group (its customers stay); answered as [`Command::CreateGroup`].
    DeleteGroup(GroupId),
    // Saved texts (SMS문구) and sender numbers (발신번호): one block.
    /// The saved texts in list order; answered by [`super::Event::Templates`].
    LoadTemplates,
    /// Create (`id` None) or change a saved text, refusing a placeholder
    /// ringdesk cannot fill; answered by [`super::Event::TemplateSaved`] and
    /// fresh [`super::Event::Templates`], or by [`super::Event::TemplateRefused`].
    SaveTemplate {
        /// Echoed in the answer, so the editor that asked knows it is meant.
        request: QueryId,
        /// The template to change, or None for a new one.
        id: Option<TemplateId>,
        /// What was typed.
        template: NewTemplate,
    },
    /// Move a saved text to `position` (0 is the top); answered by fresh
    /// [`super::Event::Templates`].
    MoveTemplate {
        /// Which template.
        id: TemplateId,
        /// Its new place.
        position: u32,
    },
    /// Delete a saved text; answered by fresh [`super::Event::Templates`].
    DeleteTemplate(TemplateId),
    /// A saved text filled in for one customer, as it would be sent;
    /// answered by [`super::Event::TemplatePreview`].
    PreviewTemplate {
        /// Echoed in the answer; the window shows only the newest.
        request: QueryId,
        /// Whose details fill the placeholders.
        customer: CustomerId,
        /// The text as typed.
        body: String,
    },
    /// The registered sender numbers; answered by [`super::Event::Senders`].
    LoadSenders,
    /// Register a sender number; answered by [`super::Event::SenderSaved`]
    /// and fresh [`super::Event::Senders`], or by [`super::Event::SenderRefused`].
    AddSender {
        /// Echoed in the answer.
        request: QueryId,
        /// The number as typed.
        number: String,
        /// What it is for (대표번호, 고객센터…).
        label: String,
    },
    /// Replace a sender number's label; answered as [`Command::AddSender`].
    SetSenderLabel {
        /// Echoed in the answer.
        request: QueryId,
        /// Which number.
        id: SenderNumberId,
        /// The new label (may be empty).
        label: String,
    },
    /// Allow or stop sending from a number; answered by fresh [`super::Event::Senders`].
    SetSenderEnabled {
        /// Which number.
        id: SenderNumberId,
        /// Whether it may be used.
        enabled: bool,
    },
    /// Unregister a number; templates that preferred it are left without
    /// one. Answered by fresh [`super::Event::Senders`] and
    /// [`super::Event::Templates`].
    DeleteSender(SenderNumberId),
    // Users and sign-in (`account_commands.rs`).
    /// Whether anybody can sign in yet; answered by [`super::Event::SignInState`].
    LoadSignIn,
    /// Sign in (the password is checked on the backend's thread); answered
    /// by [`super::Event::SignedIn`] or [`super::Event::AccountRefused`].
    SignIn {
        /// Carried back by a refusal.
        request: QueryId,
        /// The login typed.
        login: String,
        /// The password typed.
        password: Secret,
    },
    /// Create the first admin, only while nobody can sign in, and sign in
    /// as them; answered as [`Command::SignIn`].
    CreateFirstAdmin {
        /// Carried back by a refusal.
        request: QueryId,
        /// The admin (the role is made admin whatever it says).
        user: NewUser,
        /// The password.
        password: Secret,
        /// The password typed again.
        again: Secret,
    },
    /// Sign the signed-in user out: the backend acts as nobody and with the
    /// desk's settings until the next sign-in; answered by
    /// [`super::Event::SettingsSaved`] (the desk's) and
    /// [`super::Event::SignInState`].
    SignOut,
    /// Change the signed-in user's password after checking the old one;
    /// answered by [`super::Event::AccountDone`] or [`super::Event::AccountRefused`].
    ChangePassword {
        /// Carried back by the answer.
        request: QueryId,
        /// The current password.
        old: Secret,
        /// The new password.
        new: Secret,
        /// The new password typed again.
        again: Secret,
    },
    /// Every user (admins only); answered by [`super::Event::Users`].
    LoadUsers,
    /// Add a user with a password (admins only); answered by
    /// [`super::Event::Users`] and [`super::Event::AccountDone`], or a refusal.
    AddUser {
        /// Carried back by the answer.
        request: QueryId,
        /// The user.
        user: NewUser,
        /// The password.
        password: Secret,
        /// The password typed again.
        again: Secret,
    },
    /// Set another user's password and lift any lock (admins only);
    /// answered as [`Command::AddUser`].
    ResetPassword {
        /// Carried back by the answer.
        request: QueryId,
        /// Whose.
        id: UserId,
        /// The new password.
        password: Secret,
        /// The new password typed again.
        again: Secret,
    },
    /// Change a user's name, role or extension (admins only; the last
    /// admin stays one); answered as [`Command::AddUser`].
    UpdateUser {
        /// Carried back by the answer.
        request: QueryId,
        /// Whom.
        id: UserId,
        /// The new details.
        update: UserUpdate,
    },
    /// Switch a user off or on again (admins only; not oneself, not the
    /// last admin); answered as [`Command::AddUser`].
    SetUserEnabled {
        /// Carried back by the answer.
        request: QueryId,
        /// Whom.
        id: UserId,
        /// On or off.
        enabled: bool,
    },
    /// Write the settings and use them; answered by
    /// [`super::Event::SettingsSaved`]. With someone signed in, their own
    /// keys ([`crate::config::PERSONAL_KEYS`]) are kept with them and the
    /// rest go to the settings file.
    SaveSettings(Box<Settings>),
    /// The company e-mail domains of live customers with their counts (the
    /// free-mail list of the settings left out); answered by
    /// [`super::Event::BusinessDomains`].
    LoadBusinessDomains,
    /// A page of the audit log, newest first; answered by
    /// [`super::Event::AuditEntries`].
    LoadAudit {
        /// Names the answer.
        request: QueryId,
        /// Which entries.
        filter: Box<crate::domain::AuditFilter>,
        /// Entries already shown, skipped.
        offset: u32,
        /// Most entries to answer with.
        limit: u32,
    },
    /// Count the customers a list filter matches; answered by
    /// [`super::Event::ListCount`].
    CountListed {
        /// Echoed in the answer.
        query_id: QueryId,
        /// Which customers.
        filter: Box<CustomerFilter>,
    },
    /// One page of the customer list. When several are queued only the
    /// newest two run (scrolling overtakes them); the window asks again for
    /// pages still on screen. Answered by [`super::Event::ListPage`].
    ListCustomers {
        /// Echoed in the answer.
        query_id: QueryId,
        /// Which customers.
        filter: Box<CustomerFilter>,
        /// In which order.
        sort: CustomerSort,
        /// The user-defined fields shown as columns.
        fields: Vec<FieldId>,
        /// Rows to skip.
        offset: u32,
        /// Most rows to return.
        limit: u32,
    },
    /// One page of the call log (전화목록) with the number of calls the
    /// filter matches. Like [`Command::ListCustomers`], only the newest two
    /// queued pages run. Answered by [`super::Event::CallPage`].
    ListCalls {
        /// Echoed in the answer.
        request: QueryId,
        /// Which calls.
        filter: CallFilter,
        /// Rows to skip.
        offset: u32,
        /// Most rows to return.
        limit: u32,
    },
    /// Replace a call's memo (empty clears it); answered by
    /// [`super::Event::CallMemoSaved`].
    SaveCallMemo {
        /// Which call.
        id: CallId,
        /// The memo as typed.
        memo: String,
    },
    /// Do one thing to many customers at once, in one transaction;
    /// answered by [`super::Event::BulkDone`].
    Bulk {
        /// Which customers.
        ids: Vec<CustomerId>,
        /// What to do.
        action: BulkAction,
    },
    /// Click-to-call: ring the agent's phone, then dial `number` from it;
    /// answered by [`super::Event::Dialled`].
    Dial {
        /// The number as shown or typed.
        number: String,
        /// Shown on the agent's phone while it rings (the customer's name).
        caller_name: String,
    },
    /// Drop the link to the PBX and connect again now; answered by
    /// [`super::Event::PbxLink`] changes.
    ReconnectPbx,
    /// Check a message with the composer's rules (the same
    /// [`crate::sms::compose::check`] the window runs while the agent types,
    /// now with the local time of sending) and queue it for the outbox.
    /// Answered by [`super::Event::SmsQueued`] or, with nothing queued, by
    /// [`super::Event::SmsRefused`]; the message's progress then arrives as
    /// [`super::Event::MessageChanged`].
    SendSms {
        /// Echoed in the answer, so the composer that asked knows it is meant.
        request: QueryId,
        /// The message as typed. The customer it names (or the one customer
        /// its number belongs to) fills the placeholders and decides the
        /// advertising consent.
        draft: Box<Draft>,
    },
    /// One page of the message log (sent and received, newest first) with
    /// the number of messages the filter matches. Like
    /// [`Command::ListCalls`], only the newest two queued pages run.
    /// Answered by [`super::Event::MessagePage`].
    ListMessages {
        /// Echoed in the answer.
        request: QueryId,
        /// Which messages.
        filter: MessageFilter,
        /// Rows to skip.
        offset: u32,
        /// Most rows to return.
        limit: u32,
    },
    /// Read a JPEG for a composer's MMS, off the window's thread: refused
    /// by its size and first bytes before it is read whole. Answered by
    /// [`super::Event::PictureLoaded`] or [`super::Event::PictureRefused`].
    LoadPicture {
        /// Echoed in the answer, so the composer that asked takes it.
        request: QueryId,
        /// The file the agent picked or dropped.
        path: PathBuf,
    },
    /// Send a failed message again. It is queued as a new message (a new
    /// row and uid; the failed one stays in the log as it was), because a
    /// gateway that deduplicates would drop a second hand-over of a message
    /// it may already have taken. An MMS keeps its picture. An advertisement
    /// is checked against the recipient's consent and the night rule again.
    /// Answered by
    /// [`super::Event::MessageResent`], or [`super::Event::Failed`] when it
    /// has not failed or cannot go any more.
    ResendMessage(MessageId),
    // Bulk sends (대량·임의·엑셀문자발송, 문자발송결과): one block.
    /// The customers a bulk send's recipient list gathers, with all their
    /// numbers; answered by [`super::Event::Candidates`].
    GatherCandidates {
        /// Echoed in the answer.
        request: QueryId,
        /// Which customers.
        from: Gather,
    },
    /// Sort pasted numbers (임의문자발송) off the window's thread;
    /// answered by [`super::Event::FreeNumbersSorted`].
    SortFreeNumbers {
        /// Echoed in the answer.
        request: QueryId,
        /// What was typed or pasted.
        text: String,
    },
    /// Read a spreadsheet or text file (엑셀문자발송) on a thread of its
    /// own; answered by [`super::Event::SheetRead`] or
    /// [`super::Event::SheetRefused`].
    ReadSheet {
        /// Echoed in the answer.
        request: QueryId,
        /// The file.
        path: PathBuf,
        /// The encoding and separator chosen over the detected ones.
        options: ReadOptions,
        /// The window's 취소 while the file is read; how far it got comes
        /// as [`super::Event::SheetProgress`].
        cancel: ImportCancel,
    },
    /// Sort a sheet's rows into messages and rows left out, on a thread of
    /// its own; answered by [`super::Event::SheetSorted`].
    SortSheet {
        /// Echoed in the answer.
        request: QueryId,
        /// The sheet.
        sheet: Arc<Sheet>,
        /// Its header row, phone column and the variables the text uses.
        mapping: SheetMapping,
    },
    /// Store a bulk send with its recipients and start it (or wait for its
    /// scheduled time). Only a manager or an admin may. Answered by
    /// [`super::Event::BatchStarted`] or [`super::Event::BatchRefused`];
    /// its progress then arrives as [`super::Event::BatchProgress`].
    StartBatch {
        /// Echoed in the answer.
        request: QueryId,
        /// The text, sender and schedule.
        batch: Box<NewBatch>,
        /// Who gets it, in order.
        recipients: Vec<NewRecipient>,
    },
    /// Hold a running bulk send, its messages still in the outbox
    /// included; answered by [`super::Event::BatchProgress`].
    PauseBatch(BatchId),
    /// Go on with a paused bulk send; answered likewise.
    ResumeBatch(BatchId),
    /// Stop a bulk send for good; answered likewise.
    CancelBatch(BatchId),
    /// Send a bulk send's failed messages again; answered likewise.
    RetryFailedBatch(BatchId),
    /// One page of the bulk sends created in a period, newest first, with
    /// their totals; answered by [`super::Event::BatchPage`].
    ListBatches {
        /// Echoed in the answer.
        request: QueryId,
        /// From (inclusive).
        from: Timestamp,
        /// To (exclusive).
        to: Timestamp,
        /// Rows to skip.
        offset: u32,
        /// Most rows to return.
        limit: u32,
    },
    /// One page of a bulk send's recipients with what became of each;
    /// answered by [`super::Event::RecipientPage`].
    ListBatchRecipients {
        /// Echoed in the answer.
        request: QueryId,
        /// Which batch.
        batch: BatchId,
        /// Rows to skip.
        offset: u32,
        /// Most rows to return.
        limit: u32,
    },
    /// Write a bulk send's results (every recipient) to an xlsx or CSV
    /// file; answered by [`super::Event::Exported`].
    ExportBatch {
        /// Echoed in the answer.
        request: QueryId,
        /// Which batch.
        batch: BatchId,
        /// The file; its extension picks the format.
        path: PathBuf,
        /// The column titles and state names in the window's language.
        words: Box<ResultWords>,
    },
    /// Write a table the window holds (the rows an Excel send leaves out)
    /// to an xlsx or CSV file; answered by [`super::Event::Exported`].
    ExportTable {
        /// Echoed in the answer.
        request: QueryId,
        /// The file; its extension picks the format.
        path: PathBuf,
        /// The column titles.
        header: Vec<String>,
        /// The rows.
        rows: Vec<Vec<String>>,
    },
    // The customer import (고객 가져오기): one block.
    /// Sort a read workbook's customers as chosen and check each against
    /// the book, on a thread of its own; answered by
    /// [`super::Event::ImportPrepared`] or [`super::Event::ImportRefused`].
    PrepareImport {
        /// Echoed in the answer.
        request: QueryId,
        /// The file as [`Command::ReadSheet`] read it.
        workbook: Arc<Workbook>,
        /// The sheet, header row and country chosen (None: as found).
        choice: ImportChoice,
        /// Set when the answer is no longer wanted (a newer choice, the
        /// window closed): the check against the book stops.
        cancel: ImportCancel,
    },
    /// Import a prepared file's customers in one transaction, checked
    /// against the book again first; answered by [`super::Event::Imported`]
    /// (then the customer count and groups) or [`super::Event::ImportRefused`]
    /// with nothing written.
    RunImport {
        /// Echoed in the answer.
        request: QueryId,
        /// What [`super::Event::ImportPrepared`] brought.
        plan: Arc<ImportPlan>,
        /// The file, as the import's record (which `import --undo` takes
        /// back) names it.
        file: String,
        /// What to do with a row whose number is already taken.
        policy: OnDuplicate,
        /// The window's 취소: once set, the import stops and its
        /// transaction is rolled back ([`super::ImportProblem::Cancelled`]).
        /// Progress comes as [`super::Event::ImportProgress`].
        cancel: ImportCancel,
    },
    /// Save each column's header with its role as an import mapping under
    /// `name`, shared by the desk (one of that name is replaced); answered
    /// by [`super::Event::ImportMappingSaved`].
    SaveImportMapping {
        /// Echoed in the answer.
        request: QueryId,
        /// The mapping's name.
        name: String,
        /// Each column's header and role, in column order.
        columns: Vec<(String, ColumnRole)>,
    },
    /// Write a prepared import's rejected and repeated rows with their
    /// reasons to an xlsx or CSV file; answered by [`super::Event::Exported`].
    SaveImportReport {
        /// Echoed in the answer.
        request: QueryId,
        /// What [`super::Event::ImportPrepared`] brought.
        plan: Arc<ImportPlan>,
        /// The file; its extension picks the format.
        path: PathBuf,
    },
    /// Write the customers `filter` lets through to an xlsx or CSV file
    /// (the name's extension says which; CSV as UTF-8 with a BOM); answered
    /// by [`super::Event::Exported`].
    ExportCustomers {
        /// Echoed in the answer.
        request: QueryId,
        /// Which customers.
        filter: Box<CustomerFilter>,
        /// The file.
        path: PathBuf,
    },
    /// Stop all work and close the store.
    Shutdown,
}

/// The words of a results file, in the window's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultWords {
    /// Titles of: seq, source row, customer, number, state, left out
    /// because, error, sent at, delivered at.
    pub header: [String; 9],
    /// A message state's name, in [`crate::domain::MessageState::ALL`]'s order.
    pub states: [String; 6],
    /// The state of a recipient left out.
    pub left_out: String,
    /// Why a recipient was left out, in [`crate::domain::SkipReason::ALL`]'s order.
    pub reasons: [String; crate::domain::SkipReason::ALL.len()],
}

/// Which customers a bulk send's recipient list gathers.
#[derive(Debug, Clone, PartialEq)]
pub enum Gather {
    /// Those a customer-list filter lets through (고객검색).
    Filter(Box<CustomerFilter>),
    /// The members of these groups (고객그룹).
    Groups(Vec<GroupId>),
    /// Everyone in any group (전체그룹).
    AllGroups,
}

/// What the customer list does to its selected customers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// Add them to a group.
    AddToGroup(GroupId),
    /// Tag them (the tag is made if it is new).
    Tag(String),
    /// Hand them to a user, or to nobody.
    Assign(Option<UserId>),
    /// Put them in a status, or in none.
    SetStatus(Option<StatusId>),
    /// Move them to the recycle bin.
    Delete,
    /// Take them back out of the recycle bin.
    Restore,
}

/// A search box of the window; each box's keystrokes overtake only each
/// other, so typing in one never drops another's search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchBox {
    /// The main window's search (검색).
    Main,
    /// SMS문구's preview customer.
    TemplatePreview,
}
