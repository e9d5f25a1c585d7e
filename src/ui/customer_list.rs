//! 고객목록: the whole customer book as a virtualised table fed in pages.
//!
//! Only the rows on screen are drawn, and only the pages they fall in are
//! asked of the backend, so a million customers scroll like a hundred. Rows
//! not yet arrived show as "…". Sorting, the filter bar, the advanced
//! conditions and the column chooser each start a new query; answers to an
//! older query are dropped.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::app::thousands;
use super::customer_filter::FilterEditor;
use super::file_dialog::{self, dialog_answer};
use super::format::{field_value, local_date, local_date_time};
use super::i18n::Texts;
use super::main_view::ROW_HEIGHT;
use super::problem_text::describe;
use super::table_save::TableSave;
use crate::backend::{
    BulkAction, Command, Group, Lookups, QueryId, SavedView, ViewLayout, ViewName,
};
use crate::config::Settings;
use crate::domain::{
    BusinessDomain, CustomerFilter, CustomerId, CustomerSort, FieldDef, FieldId, GroupId, ListRow,
    SavedViewId, SortColumn, email_domain,
};

/// Rows asked for at a time.
const PAGE: u32 = 100;
/// A page asked for and not answered within this is asked again (the
/// backend drops list requests that a newer one has overtaken).
const RETRY: Duration = Duration::from_millis(400);
/// Pages kept on each side of those on screen (scrolling back is instant).
const KEPT_PAGES: u32 = 10;
/// Characters of a user-defined field's label shown in its header.
const HEADER_CHARS: usize = 5;

/// A column of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ListColumn {
    Name,
    Phone,
    Company,
    Email,
    Status,
    Assignee,
    Created,
    Updated,
    LastCall,
    /// The e-mail's domain (the company's, for a business contact).
    Domain,
    Field(String),
    /// When a customer went into the recycle bin: shown there only, after
    /// the chosen columns, so it is never saved among them.
    Deleted,
    /// Who put a customer in the recycle bin; shown as [`Self::Deleted`].
    DeletedBy,
}

impl ListColumn {
    const BUILT_IN: [ListColumn; 10] = [
        Self::Name,
        Self::Phone,
        Self::Company,
        Self::Email,
        Self::Status,
        Self::Assignee,
        Self::Created,
        Self::Updated,
        Self::LastCall,
        Self::Domain,
    ];

    fn parse(text: &str) -> Option<Self> {
        Some(match text.trim() {
            "name" => Self::Name,
            "phone" => Self::Phone,
            "company" => Self::Company,
            "email" => Self::Email,
            "status" => Self::Status,
            "assignee" => Self::Assignee,
            "created" => Self::Created,
            "updated" => Self::Updated,
            "last_call" => Self::LastCall,
            "domain" => Self::Domain,
            other => Self::Field(other.strip_prefix("field:")?.to_owned()),
        })
    }

    fn setting(&self) -> String {
        match self {
            Self::Field(key) => format!("field:{key}"),
            other => other.key().trim_start_matches("column.").to_owned(),
        }
    }

    fn key(&self) -> &'static str {
        match self {
            Self::Name => "column.name",
            Self::Phone => "column.phone",
            Self::Company => "column.company",
            Self::Email => "column.email",
            Self::Status => "column.status",
            Self::Assignee => "column.assignee",
            Self::Created => "column.created",
            Self::Updated => "column.updated",
            Self::LastCall => "column.last_call",
            Self::Domain => "column.domain",
            Self::Deleted => "column.deleted",
            Self::DeletedBy => "column.deleted_by",
            Self::Field(_) => "",
        }
    }

    fn sort(&self, fields: &[FieldDef]) -> Option<SortColumn> {
        Some(match self {
            Self::Name => SortColumn::Name,
            Self::Phone => SortColumn::Phone,
            Self::Company => SortColumn::Company,
            Self::Email => SortColumn::Email,
            Self::Status => SortColumn::Status,
            Self::Assignee => SortColumn::Assignee,
            Self::Created => SortColumn::Created,
            Self::Updated => SortColumn::Updated,
            Self::LastCall => SortColumn::LastCall,
            Self::Deleted => SortColumn::Deleted,
            Self::Domain | Self::DeletedBy => return None,
            Self::Field(key) => SortColumn::Custom(field_by_key(fields, key)?.id),
        })
    }

    /// The full header text and the text shown (user-defined labels are cut
    /// to five characters, as `CRMmini` does; the tooltip has the whole).
    fn header(&self, texts: &Texts, fields: &[FieldDef]) -> (String, String) {
        match self {
            Self::Field(key) => {
                let label =
                    field_by_key(fields, key).map_or_else(|| key.clone(), |def| def.label.clone());
                let short: String = label.chars().take(HEADER_CHARS).collect();
                (label, short)
            }
            other => {
                let text = texts.get(other.key()).to_owned();
                (text.clone(), text)
            }
        }
    }

    fn cell(&self, texts: &Texts, row: &ListRow, fields: &[FieldDef]) -> String {
        match self {
            // The recycle bin says where a merged customer went.
            Self::Name => match &row.merged_into {
                Some(kept) => texts.fmt(
                    "list.merged_into",
                    &[("name", &row.name), ("id", &kept.id), ("kept", &kept.name)],
                ),
                None => row.name.clone(),
            },
            Self::Phone => row.phone.clone().unwrap_or_default(),
            Self::Company => row.company.clone(),
            Self::Email => row.email.clone().unwrap_or_default(),
            Self::Status => row.status.clone().unwrap_or_default(),
            Self::Assignee => row.assignee.clone().unwrap_or_default(),
            Self::Created => local_date(row.created_at),
            Self::Updated => local_date_time(row.updated_at),
            Self::LastCall => row.last_call_at.map(local_date_time).unwrap_or_default(),
            Self::Deleted => row.deleted_at.map(local_date_time).unwrap_or_default(),
            Self::DeletedBy => row.deleted_by.clone().unwrap_or_default(),
            Self::Domain => row
                .email
                .as_deref()
                .and_then(email_domain)
                .unwrap_or_default(),
            Self::Field(key) => field_by_key(fields, key)
                .and_then(|def| row.fields.iter().find(|(id, _)| *id == def.id))
                .map(|(_, value)| field_value(texts, value))
                .unwrap_or_default(),
        }
    }
}

fn field_by_key<'a>(fields: &'a [FieldDef], key: &str) -> Option<&'a FieldDef> {
    fields.iter().find(|def| def.key == key)
}

/// What the window asks of the main window this frame.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Open this customer's card and form.
    pub open: Option<CustomerId>,
    /// The chosen columns changed; save them in the settings.
    pub columns_changed: Option<Vec<String>>,
    /// The window was closed.
    pub closed: bool,
}

/// The list window's state.
pub struct CustomerList {
    columns: Vec<ListColumn>,
    editor: FilterEditor,
    sort: CustomerSort,
    filter_problem: Option<String>,
    show_columns: bool,
    query: QueryId,
    next_query: u64,
    total: Option<u64>,
    rows: HashMap<u32, Vec<ListRow>>,
    asked: HashMap<u32, Instant>,
    selected: BTreeSet<CustomerId>,
    anchor: Option<usize>,
    dirty: bool,
    error: Option<String>,
    tag_text: String,
    /// The question on screen before a delete or 휴지통 비우기.
    asking: Option<Question>,
    /// Whether the signed-in user may empty the recycle bin.
    may_empty_bin: bool,
    /// The saved view last picked (what 보기 삭제 deletes).
    view: Option<SavedViewId>,
    /// 보기 저장… is open, with the name and 공유 as typed, and whether
    /// the name field has had its first focus.
    saving_view: Option<(String, bool, bool)>,
    /// 내보내기…'s save dialog, while it is open.
    export_dialog: Option<file_dialog::Pending>,
    /// The file to export to, once chosen (or named by a test).
    export_to: Option<PathBuf>,
    /// The export asked for, and how it went.
    export: Option<TableSave>,
    b2b: B2bView,
}

/// The B2B view over the list: company domains with their customer counts.
#[derive(Default)]
struct B2bView {
    /// The view is open.
    shown: bool,
    /// Its domains; `None` until they arrive (or when they must be asked again).
    domains: Option<Vec<BusinessDomain>>,
    /// Domains were asked for and have not arrived.
    asked: bool,
}

impl CustomerList {
    /// A list with the columns chosen in `settings`.
    #[must_use]
    pub fn new(settings: &Settings) -> Self {
        let mut columns: Vec<ListColumn> = settings
            .ui
            .list_columns
            .iter()
            .filter_map(|text| ListColumn::parse(text))
            .collect();
        if columns.is_empty() {
            columns.push(ListColumn::Name);
        }
        Self {
            columns,
            editor: FilterEditor::new("list_filter"),
            sort: CustomerSort::default(),
            filter_problem: None,
            show_columns: false,
            query: QueryId(0),
            next_query: 0,
            total: None,
            rows: HashMap::new(),
            asked: HashMap::new(),
            selected: BTreeSet::new(),
            anchor: None,
            dirty: true,
            error: None,
            tag_text: String::new(),
            asking: None,
            may_empty_bin: false,
            view: None,
            saving_view: None,
            export_dialog: None,
            export_to: None,
            export: None,
            b2b: B2bView::default(),
        }
    }

    /// Whether the signed-in user may empty the recycle bin (휴지통 비우기
    /// is greyed out otherwise; the backend refuses it too).
    pub fn allow_emptying_bin(&mut self, may: bool) {
        self.may_empty_bin = may;
    }

    /// Shows the members of `group`, or everyone.
    pub fn show_group(&mut self, group: Option<GroupId>) {
        if self.editor.filter().group != group {
            self.editor.filter_mut().group = group;
            self.dirty = true;
        }
    }

    /// The filter the list shows (대량문자발송 gathers its customers).
    #[must_use]
    pub fn filter(&self) -> &CustomerFilter {
        self.editor.filter()
    }

    /// Exports the customers shown to `path` next (as a file picked in
    /// 내보내기…'s dialog; tests name one).
    pub fn export_to(&mut self, path: PathBuf) {
        self.export_to = Some(path);
    }

    /// An export was written; true when this window asked for it.
    pub fn exported(&mut self, request: QueryId, result: Result<u64, String>) -> bool {
        self.export
            .as_mut()
            .is_some_and(|export| export.answered(request, result))
    }

    /// Asks again: customers changed.
    pub fn refresh(&mut self) {
        self.dirty = true;
        self.b2b.domains = None;
    }

    /// The B2B view's domains arrived.
    pub fn business_domains_arrived(&mut self, domains: Vec<BusinessDomain>) {
        self.b2b.domains = Some(domains);
        self.b2b.asked = false;
    }

    /// Fields may have been added or removed: their columns and conditions follow.
    pub fn lookups_changed(&mut self, lookups: &Lookups) {
        self.editor.fields_changed(lookups);
        self.dirty = true;
    }

    /// The number of customers the query matches arrived.
    pub fn count_arrived(&mut self, query: QueryId, total: u64) {
        if query == self.query {
            self.total = Some(total);
        }
    }

    /// A page of rows arrived.
    pub fn page_arrived(&mut self, query: QueryId, offset: u32, rows: Vec<ListRow>) {
        if query == self.query {
            self.asked.remove(&(offset / PAGE));
            self.rows.insert(offset / PAGE, rows);
        }
    }

    /// A request failed.
    pub fn failed(&mut self, action: &str, message: &str) {
        if action.starts_with("list") {
            self.error = Some(message.to_owned());
        }
        if action == "list business domains" {
            self.b2b.asked = false;
        }
    }

    fn fields_asked(&self, fields: &[FieldDef]) -> Vec<FieldId> {
        self.columns
            .iter()
            .filter_map(|column| match column {
                ListColumn::Field(key) => field_by_key(fields, key).map(|def| def.id),
                _ => None,
            })
            .collect()
    }

    /// Starts a new query when the filter, sort or columns changed.
    fn requery(&mut self, texts: &Texts, lookups: &Lookups, commands: &mut Vec<Command>) {
        self.dirty = false;
        self.filter_problem = None;
        self.error = None;
        if let Err(invalid) = self.editor.filter().check(&lookups.fields) {
            self.filter_problem = Some(format!("{}: {}", invalid.field, describe(texts, &invalid)));
            return;
        }
        self.next_query += 1;
        self.query = QueryId(self.next_query);
        self.total = None;
        self.rows.clear();
        self.asked.clear();
        commands.push(Command::CountListed {
            query_id: self.query,
            filter: Box::new(self.editor.filter().clone()),
        });
    }

    fn ask_page(&mut self, page: u32, lookups: &Lookups, commands: &mut Vec<Command>) {
        if self.rows.contains_key(&page)
            || self.asked.get(&page).is_some_and(|at| at.elapsed() < RETRY)
        {
            return;
        }
        self.asked.insert(page, Instant::now());
        commands.push(Command::ListCustomers {
            query_id: self.query,
            filter: Box::new(self.editor.filter().clone()),
            sort: self.sort,
            fields: self.fields_asked(&lookups.fields),
            offset: page * PAGE,
            limit: PAGE,
        });
    }

    fn row(&self, index: usize) -> Option<&ListRow> {
        let index = u32::try_from(index).ok()?;
        self.rows
            .get(&(index / PAGE))?
            .get(usize::try_from(index % PAGE).ok()?)
    }

    /// Draws the window.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        texts: &Texts,
        lookups: &Lookups,
        groups: &[Group],
        next_request: &mut u64,
        commands: &mut Vec<Command>,
    ) -> Outcome {
        let mut outcome = Outcome::default();
        if self.dirty {
            self.requery(texts, lookups, commands);
        }
        if let Some(path) = dialog_answer(&mut self.export_dialog) {
            self.export_to = Some(path);
        }
        if let Some(path) = self.export_to.take() {
            let (export, request, path) = TableSave::start(path, next_request);
            self.export = Some(export);
            commands.push(Command::ExportCustomers {
                request,
                filter: Box::new(self.editor.filter().clone()),
                path,
            });
        }
        let mut open = true;
        egui::Window::new(texts.get("list.title"))
            .id(egui::Id::unique("customer_list"))
            .open(&mut open)
            .default_size([960.0, 580.0])
            .min_width(720.0)
            .show(ctx, |ui| {
                self.filter_bar(ui, texts, lookups, groups);
                self.views_bar(ui, texts, lookups, commands, &mut outcome);
                if self.editor.show_advanced {
                    let before = self.editor.filter().clone();
                    self.editor.advanced_ui(ui, texts, lookups);
                    if *self.editor.filter() != before {
                        self.dirty = true;
                        self.selected.clear();
                    }
                }
                if let Some(problem) = &self.filter_problem {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                if self.b2b.shown {
                    ui.separator();
                    self.b2b_view(ui, texts, commands);
                }
                self.bulk_bar(ui, texts, lookups, groups, commands);
                ui.separator();
                if self.show_columns {
                    self.column_chooser(ui, texts, lookups, &mut outcome);
                    ui.separator();
                }
                self.table(ui, texts, lookups, commands, &mut outcome);
            });
        self.delete_question(ctx, texts, commands);
        self.empty_question(ctx, texts, commands);
        if !open {
            outcome.closed = true;
        }
        if self.dirty {
            ctx.request_repaint();
        }
        outcome
    }

    fn filter_bar(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        groups: &[Group],
    ) {
        let before = self.editor.filter().clone();
        ui.horizontal_wrapped(|ui| {
            let total = self.total.map_or_else(
                || texts.get("list.loading").to_owned(),
                |total| texts.fmt("list.total", &[("count", &thousands(total))]),
            );
            ui.strong(total);
            ui.separator();
            self.editor.pickers_ui(ui, texts, lookups, groups);
        });
        ui.horizontal_wrapped(|ui| {
            self.editor.dates_ui(ui, texts);
            ui.separator();
            ui.toggle_value(&mut self.editor.show_advanced, texts.get("list.advanced"));
            ui.toggle_value(&mut self.show_columns, texts.get("list.columns"));
            if ui
                .checkbox(
                    &mut self.editor.filter_mut().in_recycle_bin,
                    texts.get("list.recycle_bin"),
                )
                .changed()
            {
                self.selected.clear();
            }
            if self.editor.filter().in_recycle_bin {
                let empty = ui.add_enabled(
                    self.may_empty_bin && self.total.is_some_and(|total| total > 0),
                    egui::Button::new(texts.get("list.empty_bin")),
                );
                let empty = if self.may_empty_bin {
                    empty
                } else {
                    empty.on_disabled_hover_text(texts.fmt(
                        "account.not_allowed",
                        &[(
                            "role",
                            &super::sign_in::role_name(
                                texts,
                                crate::domain::Action::EmptyRecycleBin.needs(),
                            ),
                        )],
                    ))
                };
                if empty.clicked() {
                    self.asking = Some(Question::EmptyBin);
                }
            }
            ui.toggle_value(&mut self.b2b.shown, texts.get("list.b2b"));
            if ui.button(texts.get("list.clear")).clicked() {
                self.editor.clear();
            }
        });
        if let Some(domain) = self.editor.filter().email_domain.clone() {
            ui.horizontal(|ui| {
                ui.label(texts.fmt("list.domain_filter", &[("domain", &domain)]));
                if ui
                    .small_button("×")
                    .on_hover_text(texts.get("list.domain_clear"))
                    .clicked()
                {
                    self.editor.filter_mut().email_domain = None;
                }
            });
        }
        if *self.editor.filter() != before {
            self.dirty = true;
            self.selected.clear();
            self.anchor = None;
        }
    }

    /// 저장된 보기: pick one to show it, save what is shown under a name,
    /// delete the one picked.
    fn views_bar(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
        outcome: &mut Outcome,
    ) {
        let mut picked = None;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(texts.get("list.views"));
            let current = self
                .view
                .and_then(|id| lookups.views.iter().find(|view| view.id == id));
            egui::ComboBox::from_id_salt("list_views")
                .selected_text(current.map_or_else(
                    || texts.get("list.view_none").to_owned(),
                    |view| view_label(texts, view),
                ))
                .show_ui(ui, |ui| {
                    if lookups.views.is_empty() {
                        ui.weak(texts.get("list.no_views"));
                    }
                    for view in &lookups.views {
                        if ui
                            .selectable_label(self.view == Some(view.id), view_label(texts, view))
                            .clicked()
                        {
                            picked = Some(view.clone());
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            if ui
                .add_enabled(
                    self.saving_view.is_none(),
                    egui::Button::new(texts.get("list.save_view")),
                )
                .on_hover_text(texts.get("list.view_hint"))
                .clicked()
            {
                let name = current.map(|view| view.name.clone()).unwrap_or_default();
                let shared = current.is_some_and(|view| view.shared);
                self.saving_view = Some((name, shared, false));
            }
            if let Some(view) = current
                && ui.button(texts.get("list.delete_view")).clicked()
            {
                commands.push(Command::DeleteView(view.id));
                self.view = None;
            }
            ui.separator();
            let exporting = self.export.as_ref().is_some_and(TableSave::running);
            if ui
                .add_enabled(
                    !exporting && self.export_dialog.is_none(),
                    egui::Button::new(texts.get("list.export")),
                )
                .on_hover_text(texts.get("list.export_hint"))
                .clicked()
            {
                match file_dialog::save_table(
                    ui.ctx(),
                    texts.get("list.export"),
                    texts.get("list.title"),
                ) {
                    Ok(pending) => self.export_dialog = Some(pending),
                    Err(error) => self.error = Some(error.to_string()),
                }
            }
            if let Some(export) = &self.export {
                export.status_ui(ui, texts);
            }
        });
        if let Some(view) = picked {
            self.apply_view(&view, outcome);
        }
        self.save_view_form(ui, texts, commands);
    }

    /// The name and 공유 of the view to save, and 저장.
    fn save_view_form(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        let Some((name, shared, typed)) = &mut self.saving_view else {
            return;
        };
        let mut done = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(texts.get("list.view_name"));
            let field = ui
                .add(egui::TextEdit::singleline(name).desired_width(180.0))
                .labelled_by(label.id);
            if !*typed {
                // Opened by 보기 저장…: the name is what comes next.
                field.request_focus();
                *typed = true;
            }
            ui.checkbox(shared, texts.get("list.share_view"));
            let checked = ViewName::new(name);
            if ui
                .add_enabled(
                    checked.is_ok(),
                    egui::Button::new(texts.get("list.view_save")),
                )
                .clicked()
                && let Ok(name) = checked
            {
                commands.push(Command::SaveView {
                    name,
                    shared: *shared,
                    layout: Box::new(ViewLayout {
                        filter: self.editor.filter().clone(),
                        columns: self.columns.iter().map(ListColumn::setting).collect(),
                        sort: self.sort,
                        date_preset: self.editor.date_preset(),
                    }),
                });
                done = true;
            }
            if ui.button(texts.get("list.view_cancel")).clicked() {
                done = true;
            }
        });
        if done {
            self.saving_view = None;
        }
    }

    /// Shows what `view` holds: its filter, columns and order.
    fn apply_view(&mut self, view: &SavedView, outcome: &mut Outcome) {
        self.view = Some(view.id);
        self.editor
            .set_filter(view.layout.filter.clone(), view.layout.date_preset);
        self.sort = view.layout.sort;
        let columns: Vec<ListColumn> = view
            .layout
            .columns
            .iter()
            .filter_map(|text| ListColumn::parse(text))
            .collect();
        if !columns.is_empty() && columns != self.columns {
            self.columns = columns;
            outcome.columns_changed = Some(self.columns.iter().map(ListColumn::setting).collect());
        }
        self.dirty = true;
        self.selected.clear();
        self.anchor = None;
    }

    /// The B2B view: company domains with their company and customer
    /// count; clicking one shows only that domain's customers.
    fn b2b_view(&mut self, ui: &mut egui::Ui, texts: &Texts, commands: &mut Vec<Command>) {
        if self.b2b.domains.is_none() && !self.b2b.asked {
            self.b2b.asked = true;
            commands.push(Command::LoadBusinessDomains);
        }
        ui.strong(texts.get("list.b2b_title"));
        let Some(domains) = &self.b2b.domains else {
            ui.weak(texts.get("list.loading"));
            return;
        };
        if domains.is_empty() {
            ui.weak(texts.get("list.b2b_none"));
            return;
        }
        ui.weak(texts.get("list.b2b_hint"));
        let chosen = self.editor.filter().email_domain.clone();
        let mut picked = None;
        TableBuilder::new(ui)
            .id_salt("b2b_domains")
            .striped(true)
            .max_scroll_height(150.0)
            .column(Column::initial(220.0).at_least(120.0).clip(true))
            .column(Column::initial(220.0).at_least(100.0).clip(true))
            .column(Column::remainder().at_least(70.0))
            .header(ROW_HEIGHT, |mut header| {
                header.col(|ui| {
                    ui.strong(texts.get("list.b2b_domain"));
                });
                header.col(|ui| {
                    ui.strong(texts.get("list.b2b_company"));
                });
                header.col(|ui| {
                    ui.strong(texts.get("list.b2b_customers"));
                });
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, domains.len(), |mut row| {
                    let Some(domain) = domains.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        let on = chosen.as_deref() == Some(domain.domain.as_str());
                        if ui.selectable_label(on, &domain.domain).clicked() {
                            picked = Some(domain.domain.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(&domain.company);
                    });
                    row.col(|ui| {
                        ui.label(thousands(domain.customers));
                    });
                });
            });
        if let Some(domain) = picked {
            self.editor.filter_mut().email_domain = Some(domain);
            self.dirty = true;
            self.selected.clear();
            self.anchor = None;
        }
    }

    fn column_chooser(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        outcome: &mut Outcome,
    ) {
        ui.weak(texts.get("list.columns_hint"));
        let mut all: Vec<ListColumn> = self.columns.clone();
        for column in ListColumn::BUILT_IN.into_iter().chain(
            lookups
                .fields
                .iter()
                .map(|def| ListColumn::Field(def.key.clone())),
        ) {
            if !all.contains(&column) {
                all.push(column);
            }
        }
        let before = self.columns.clone();
        // Shown columns first in their order, then the others; four to a row.
        egui::Grid::new("column_chooser")
            .spacing([18.0, 4.0])
            .show(ui, |ui| {
                for (cell, column) in all.iter().enumerate() {
                    let (full, _) = column.header(texts, &lookups.fields);
                    let position = self.columns.iter().position(|shown| shown == column);
                    let mut shown = position.is_some();
                    ui.horizontal(|ui| {
                        if ui.checkbox(&mut shown, &full).changed() {
                            if shown {
                                self.columns.push(column.clone());
                            } else if self.columns.len() > 1 {
                                self.columns.retain(|kept| kept != column);
                            }
                        }
                        if let Some(index) = position {
                            if ui
                                .add_enabled(index > 0, egui::Button::new("◀").small())
                                .on_hover_text(texts.get("list.move_up"))
                                .clicked()
                            {
                                self.columns.swap(index, index - 1);
                            }
                            if ui
                                .add_enabled(
                                    index + 1 < self.columns.len(),
                                    egui::Button::new("▶").small(),
                                )
                                .on_hover_text(texts.get("list.move_down"))
                                .clicked()
                            {
                                self.columns.swap(index, index + 1);
                            }
                        }
                    });
                    if cell % 4 == 3 {
                        ui.end_row();
                    }
                }
            });
        if self.columns != before {
            outcome.columns_changed = Some(self.columns.iter().map(ListColumn::setting).collect());
            self.dirty = true;
        }
    }

    fn bulk_bar(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        groups: &[Group],
        commands: &mut Vec<Command>,
    ) {
        if self.selected.is_empty() {
            return;
        }
        let ids: Vec<CustomerId> = self.selected.iter().copied().collect();
        if self.editor.filter().in_recycle_bin {
            // In the bin the selection can only go back out.
            ui.horizontal_wrapped(|ui| {
                ui.strong(texts.fmt("list.selected", &[("count", &thousands(ids.len() as u64))]));
                if ui.button(texts.get("list.restore_selected")).clicked() {
                    commands.push(Command::Bulk {
                        ids,
                        action: BulkAction::Restore,
                    });
                    self.selected.clear();
                }
            });
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.strong(texts.fmt("list.selected", &[("count", &thousands(ids.len() as u64))]));
            let to_groups = groups
                .iter()
                .map(|group| (group.name.as_str(), BulkAction::AddToGroup(group.id)));
            if let Some(action) = bulk_menu(ui, texts.get("list.add_to_group"), to_groups) {
                commands.push(Command::Bulk {
                    ids: ids.clone(),
                    action,
                });
            }
            let tag = ui.add(
                egui::TextEdit::singleline(&mut self.tag_text)
                    .hint_text(texts.get("list.tag"))
                    .desired_width(100.0),
            );
            tag.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::TextInput, true, texts.get("list.tag"))
            });
            if ui
                .add_enabled(
                    !self.tag_text.trim().is_empty(),
                    egui::Button::new(texts.get("list.add_tag")),
                )
                .clicked()
            {
                commands.push(Command::Bulk {
                    ids: ids.clone(),
                    action: BulkAction::Tag(self.tag_text.trim().to_owned()),
                });
                self.tag_text.clear();
            }
            let none = texts.get("customer.none");
            let to_statuses = std::iter::once((none, BulkAction::SetStatus(None))).chain(
                lookups
                    .statuses
                    .iter()
                    .map(|status| (status.name.as_str(), BulkAction::SetStatus(Some(status.id)))),
            );
            let to_users = std::iter::once((none, BulkAction::Assign(None))).chain(
                lookups.users.iter().map(|user| {
                    (
                        user.display_name.as_str(),
                        BulkAction::Assign(Some(user.id)),
                    )
                }),
            );
            for action in [
                bulk_menu(ui, texts.get("list.set_status"), to_statuses),
                bulk_menu(ui, texts.get("list.assign"), to_users),
            ]
            .into_iter()
            .flatten()
            {
                commands.push(Command::Bulk {
                    ids: ids.clone(),
                    action,
                });
            }
            if !self.editor.filter().in_recycle_bin
                && ui.button(texts.get("list.delete_selected")).clicked()
            {
                self.asking = Some(Question::Delete);
            }
        });
    }

    fn delete_question(&mut self, ctx: &egui::Context, texts: &Texts, commands: &mut Vec<Command>) {
        if self.asking != Some(Question::Delete) {
            return;
        }
        let count = self.selected.len() as u64;
        let modal = egui::Modal::new(egui::Id::unique("list_delete")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.label(texts.fmt("list.confirm_delete", &[("count", &thousands(count))]));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("common.yes")).clicked() {
                    commands.push(Command::Bulk {
                        ids: self.selected.iter().copied().collect(),
                        action: BulkAction::Delete,
                    });
                    self.selected.clear();
                    self.asking = None;
                }
                if ui.button(texts.get("common.no")).clicked() {
                    self.asking = None;
                }
            });
        });
        if modal.should_close() {
            self.asking = None;
        }
    }

    fn empty_question(&mut self, ctx: &egui::Context, texts: &Texts, commands: &mut Vec<Command>) {
        if self.asking != Some(Question::EmptyBin) {
            return;
        }
        let count = self.total.unwrap_or_default();
        let modal = egui::Modal::new(egui::Id::unique("list_empty_bin")).show(ctx, |ui| {
            ui.set_max_width(380.0);
            ui.label(texts.fmt("list.confirm_empty", &[("count", &thousands(count))]));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(texts.get("list.empty_bin")).clicked() {
                    commands.push(Command::EmptyRecycleBin);
                    self.selected.clear();
                    self.asking = None;
                }
                if ui.button(texts.get("common.cancel")).clicked() {
                    self.asking = None;
                }
            });
        });
        if modal.should_close() {
            self.asking = None;
        }
    }

    #[expect(clippy::too_many_lines, reason = "the table reads best top to bottom")]
    fn table(
        &mut self,
        ui: &mut egui::Ui,
        texts: &Texts,
        lookups: &Lookups,
        commands: &mut Vec<Command>,
        outcome: &mut Outcome,
    ) {
        let total = usize::try_from(self.total.unwrap_or(0)).unwrap_or(usize::MAX);
        let mut columns = self.columns.clone();
        if self.editor.filter().in_recycle_bin {
            columns.extend([ListColumn::Deleted, ListColumn::DeletedBy]);
        }
        let mut header_clicked = None;
        let mut clicked: Option<(usize, CustomerId, egui::Modifiers, bool)> = None;
        let mut visible = (usize::MAX, 0usize);
        // Many columns (the recycle bin adds two) start narrower rather
        // than pushing the window off the screen.
        let spacing = ui.spacing().item_spacing.x;
        let initial = ((ui.available_width() - 80.0)
            / f32::from(u16::try_from(columns.len().max(2) - 1).unwrap_or(u16::MAX))
            - spacing)
            .clamp(90.0, 130.0);
        let mut builder = TableBuilder::new(ui)
            .id_salt(("customer_table", self.editor.filter().in_recycle_bin))
            .striped(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false]);
        for (index, _) in columns.iter().enumerate() {
            builder = builder.column(if index + 1 == columns.len() {
                Column::remainder().at_least(80.0)
            } else {
                Column::initial(initial)
                    .at_least(90.0)
                    .resizable(true)
                    .clip(true)
            });
        }
        builder
            .header(ROW_HEIGHT, |mut header| {
                for column in &columns {
                    header.col(|ui| {
                        let (full, short) = column.header(texts, &lookups.fields);
                        let sort_column = column.sort(&lookups.fields);
                        let arrow = match sort_column {
                            Some(on) if on == self.sort.column => {
                                if self.sort.descending {
                                    " ▼"
                                } else {
                                    " ▲"
                                }
                            }
                            _ => "",
                        };
                        let response = ui
                            .add(
                                egui::Button::new(
                                    egui::RichText::new(format!("{short}{arrow}")).strong(),
                                )
                                .frame(false),
                            )
                            .on_hover_text(&full);
                        if response.clicked()
                            && let Some(on) = sort_column
                        {
                            header_clicked = Some(on);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, total, |mut row| {
                    let index = row.index();
                    visible = (visible.0.min(index), visible.1.max(index));
                    let Some(data) = self.row(index) else {
                        for _ in &columns {
                            row.col(|ui| {
                                ui.weak("…");
                            });
                        }
                        return;
                    };
                    let id = data.id;
                    row.set_selected(self.selected.contains(&id));
                    for column in &columns {
                        row.col(|ui| {
                            ui.add(
                                egui::Label::new(column.cell(texts, data, &lookups.fields))
                                    .truncate()
                                    .selectable(false),
                            );
                        });
                    }
                    let response = row.response();
                    if response.clicked() || response.double_clicked() {
                        let modifiers = response.ctx.input(|input| input.modifiers);
                        clicked = Some((index, id, modifiers, response.double_clicked()));
                    }
                });
            });
        if let Some(column) = header_clicked {
            if self.sort.column == column {
                self.sort.descending = !self.sort.descending;
            } else {
                self.sort = CustomerSort {
                    column,
                    descending: false,
                };
            }
            self.dirty = true;
        }
        if visible.0 <= visible.1 {
            let first = u32::try_from(visible.0).unwrap_or(u32::MAX) / PAGE;
            let last = u32::try_from(visible.1).unwrap_or(u32::MAX) / PAGE;
            for page in first..=last {
                self.ask_page(page, lookups, commands);
            }
            // Keep the pages around the screen only, so scrolling through a
            // million customers does not hold them all.
            let near = first.saturating_sub(KEPT_PAGES)..=last.saturating_add(KEPT_PAGES);
            self.rows.retain(|page, _| near.contains(page));
        }
        if let Some((index, id, modifiers, double)) = clicked {
            self.click(index, id, modifiers);
            if double {
                outcome.open = Some(id);
            }
        }
        let enter = ui.ctx().input(|input| input.key_pressed(egui::Key::Enter));
        if enter && ui.ctx().memory(|memory| memory.focused().is_none()) && self.selected.len() == 1
        {
            outcome.open = self.selected.first().copied();
        }
    }

    /// Click selects one row; Ctrl+click adds or removes; Shift+click selects
    /// the loaded rows from the last clicked one.
    fn click(&mut self, index: usize, id: CustomerId, modifiers: egui::Modifiers) {
        if modifiers.shift
            && let Some(anchor) = self.anchor
        {
            let (from, to) = (anchor.min(index), anchor.max(index));
            if !modifiers.command {
                self.selected.clear();
            }
            for row in from..=to {
                if let Some(data) = self.row(row) {
                    self.selected.insert(data.id);
                }
            }
            return;
        }
        if modifiers.command {
            if !self.selected.remove(&id) {
                self.selected.insert(id);
            }
        } else {
            self.selected.clear();
            self.selected.insert(id);
        }
        self.anchor = Some(index);
    }
}

/// A view's name, marked when it is shared.
fn view_label(texts: &Texts, view: &SavedView) -> String {
    if view.shared {
        texts.fmt("list.view_shared", &[("name", &view.name)])
    } else {
        view.name.clone()
    }
}

/// A drop-down named `name` for the selected customers; the action of the
/// entry picked this frame.
fn bulk_menu<'a>(
    ui: &mut egui::Ui,
    name: &str,
    entries: impl Iterator<Item = (&'a str, BulkAction)>,
) -> Option<BulkAction> {
    let mut picked = None;
    egui::ComboBox::from_id_salt(("bulk", name))
        .selected_text(name)
        .show_ui(ui, |ui| {
            for (label, action) in entries {
                if ui.selectable_label(false, label).clicked() {
                    picked = Some(action);
                }
            }
        })
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, name));
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_through_settings() {
        for column in ListColumn::BUILT_IN {
            assert_eq!(ListColumn::parse(&column.setting()), Some(column));
        }
        let field = ListColumn::Field("visits".to_owned());
        assert_eq!(field.setting(), "field:visits");
        assert_eq!(ListColumn::parse("field:visits"), Some(field));
        assert_eq!(ListColumn::parse("nonsense"), None);
    }
}

/// What the list asks before it acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    /// Move the selected customers to the recycle bin?
    Delete,
    /// Remove everyone in the recycle bin for good?
    EmptyBin,
}
