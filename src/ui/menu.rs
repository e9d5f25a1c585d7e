//! The menu bar: 파일(F) and 고객관리(C), opened with Alt+F and Alt+C as a
//! Windows program's menus are. SMS문구 and 발신번호 sit in 파일 as in
//! `CRMmini`, and again beside the sending entries of 고객관리.

use eframe::egui;

use super::i18n::Texts;
use super::later::Feature;
use crate::domain::{Action, Role};

/// What a menu entry asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuAction {
    /// 사용자 환경설정
    Preferences,
    /// 사용자 정의설정
    FieldSettings,
    /// 고객 상태
    Statuses,
    /// 인지경로
    Sources,
    /// 고객그룹
    Groups,
    /// 고객목록
    CustomerList,
    /// 고객등록
    NewCustomer,
    /// 고객 가져오기
    ImportCustomers,
    /// 중복 고객 찾기
    FindDuplicates,
    /// 전화목록
    CallLog,
    /// SMS문구
    SmsTemplates,
    /// 발신번호
    SenderNumbers,
    /// 문자목록
    MessageLog,
    /// 문자발송결과
    SmsResults,
    /// 엑셀문자발송
    ExcelSms,
    /// 대량문자발송
    BulkSms,
    /// 임의문자발송
    FreeSms,
    /// 비밀번호변경
    ChangePassword,
    /// 로그아웃
    SignOut,
    /// 사용자 관리 (admins)
    Users,
    /// An entry whose window arrives with a later part of ringdesk.
    Later(Feature),
    /// 감사 기록
    AuditLog,
    /// 종료
    Exit,
}

impl MenuAction {
    /// What the window it opens is for, when not every role may (its
    /// entry is greyed out for the others; the backend refuses them too).
    const fn needs(&self) -> Option<Action> {
        match self {
            Self::FieldSettings => Some(Action::EditFields),
            Self::Statuses => Some(Action::EditStatuses),
            Self::Sources => Some(Action::EditSources),
            Self::SenderNumbers => Some(Action::EditSenders),
            Self::AuditLog => Some(Action::ReadAudit),
            Self::Users => Some(Action::ManageUsers),
            Self::ImportCustomers => Some(Action::ImportCustomers),
            Self::BulkSms | Self::ExcelSms | Self::FreeSms => Some(Action::SendBulk),
            _ => None,
        }
    }
}

/// Draws the menu bar for a user of `role`; returns the entry clicked this
/// frame.
pub fn menu_bar(ui: &mut egui::Ui, texts: &Texts, role: Role) -> Option<MenuAction> {
    let mut action = None;
    let alt = |key| ui.input_mut(|input| input.consume_key(egui::Modifiers::ALT, key));
    let open_file = alt(egui::Key::F);
    let open_customers = alt(egui::Key::C);
    egui::MenuBar::new().ui(ui, |ui| {
        let file = egui::containers::menu::MenuButton::new(texts.get("menu.file")).ui(ui, |ui| {
            for entry in [
                Some(("menu.preferences", MenuAction::Preferences)),
                Some(("menu.field_settings", MenuAction::FieldSettings)),
                Some(("menu.statuses", MenuAction::Statuses)),
                Some(("menu.sources", MenuAction::Sources)),
                Some(("menu.sms_templates", MenuAction::SmsTemplates)),
                Some(("menu.sender_numbers", MenuAction::SenderNumbers)),
                Some(("menu.audit_log", MenuAction::AuditLog)),
                Some(("menu.users", MenuAction::Users)),
                Some(("menu.admin_web", MenuAction::Later(Feature::AdminWeb))),
                None,
                Some(("menu.change_password", MenuAction::ChangePassword)),
                Some(("menu.sign_out", MenuAction::SignOut)),
                None,
                Some(("menu.exit", MenuAction::Exit)),
            ] {
                item(ui, texts, role, entry, &mut action);
            }
        });
        let customers =
            egui::containers::menu::MenuButton::new(texts.get("menu.customers")).ui(ui, |ui| {
                for entry in [
                    Some(("menu.groups", MenuAction::Groups)),
                    Some(("menu.customer_list", MenuAction::CustomerList)),
                    Some(("menu.new_customer", MenuAction::NewCustomer)),
                    Some(("menu.import_customers", MenuAction::ImportCustomers)),
                    Some(("menu.find_duplicates", MenuAction::FindDuplicates)),
                    None,
                    Some(("menu.message_log", MenuAction::MessageLog)),
                    Some(("menu.call_log", MenuAction::CallLog)),
                    None,
                    Some(("menu.sms_templates", MenuAction::SmsTemplates)),
                    Some(("menu.sender_numbers", MenuAction::SenderNumbers)),
                    Some(("menu.bulk_sms", MenuAction::BulkSms)),
                    Some(("menu.free_sms", MenuAction::FreeSms)),
                    Some(("menu.excel_sms", MenuAction::ExcelSms)),
                    Some(("menu.sms_results", MenuAction::SmsResults)),
                ] {
                    item(ui, texts, role, entry, &mut action);
                }
            });
        // Alt+letter opens the menu on the next frame, as a click would.
        for (pressed, (button, _)) in [(open_file, &file), (open_customers, &customers)] {
            if pressed {
                let popup = egui::Popup::menu(button).get_id();
                egui::Popup::toggle_id(ui.ctx(), popup);
                ui.ctx().request_repaint();
            }
        }
    });
    action
}

/// One entry (or a separator for `None`), greyed out saying the role it
/// needs when `role` may not; records the click in `action`.
fn item(
    ui: &mut egui::Ui,
    texts: &Texts,
    role: Role,
    entry: Option<(&str, MenuAction)>,
    action: &mut Option<MenuAction>,
) {
    match entry {
        Some((key, what)) => {
            let refused = what.needs().and_then(|needs| role.may(needs).err());
            let button = ui.add_enabled(refused.is_none(), egui::Button::new(texts.get(key)));
            let button = match refused {
                Some(refused) => button.on_disabled_hover_text(texts.fmt(
                    "account.not_allowed",
                    &[("role", &super::sign_in::role_name(texts, refused.needs()))],
                )),
                None => button,
            };
            if button.clicked() {
                *action = Some(what);
            }
        }
        None => {
            ui.separator();
        }
    }
}
