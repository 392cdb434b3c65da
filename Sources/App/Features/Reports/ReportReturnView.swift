/// A report sent back for correction: who returned it, when, and their comment. The member's
/// report form and the focal point's view of that report show the same notice, so they share
/// this view.
struct ReportReturnView: Encodable, Sendable { var by: String; var at: String; var comment: String }
