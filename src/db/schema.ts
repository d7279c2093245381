import type { AuditLogTable } from '../audit/audit.table';
import type { SetupTokenTable, StaffSessionTable, StaffUserGroupTable, StaffUserTable } from '../auth/auth.table';
import type {
  HelpResourceTable,
  InstitutionTable,
  LivingGroupTable,
  LocationTable,
  MunicipalityLocationTable,
  MunicipalityTable,
} from '../organisation/organisation.table';
import type { QuestionnaireVersionTable } from '../questionnaires/questionnaire.table';
import type { ImprovementActionTable } from '../improvement-actions/improvement-action.table';
import type { ReportTable } from '../reports/report.table';
import type {
  AccessCodeTable,
  OpenAnswerTable,
  ResponseAnswerTable,
  ResponseTable,
  SubmissionReceiptTable,
  TalkRequestTable,
} from '../responses/response.table';
import type { GroupResultTable, ItemResultTable, ScaleResultTable } from '../results/results.table';
import type { RoundGroupTable, RoundTable } from '../rounds/round.table';
import type { TabletSessionTable } from '../survey/survey.table';

/** The whole schema as Kysely sees it; each table's type lives with its feature. */
export interface DB {
  institution: InstitutionTable;
  location: LocationTable;
  municipality: MunicipalityTable;
  municipality_location: MunicipalityLocationTable;
  living_group: LivingGroupTable;
  help_resource: HelpResourceTable;
  questionnaire_version: QuestionnaireVersionTable;
  round: RoundTable;
  round_group: RoundGroupTable;
  response: ResponseTable;
  response_answer: ResponseAnswerTable;
  open_answer: OpenAnswerTable;
  submission_receipt: SubmissionReceiptTable;
  access_code: AccessCodeTable;
  talk_request: TalkRequestTable;
  tablet_session: TabletSessionTable;
  staff_user: StaffUserTable;
  staff_user_group: StaffUserGroupTable;
  staff_session: StaffSessionTable;
  setup_token: SetupTokenTable;
  improvement_action: ImprovementActionTable;
  group_result: GroupResultTable;
  scale_result: ScaleResultTable;
  item_result: ItemResultTable;
  report: ReportTable;
  audit_log: AuditLogTable;
}
