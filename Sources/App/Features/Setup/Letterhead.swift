import Fluent
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// Which of the commune's two issuers signs a document: the Party Committee or the People's
/// Committee. Stored on each report group (`report_groups.issuing_body`).
enum IssuingKind: String, Codable, CaseIterable, Sendable {
    case party, state

    var documentKind: IssuingBody.Kind { self == .party ? .party : .state }
}

/// The header block of every generated document, from the commune's settings: the parent body
/// (since 1 July 2025 the province, e.g. "ĐẢNG BỘ TỈNH HÀ TĨNH" / "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH")
/// above the issuer's own name ("ĐẢNG ỦY XÃ SƠN KIM 2"), as Decree 30 and Guideline 36 lay it out.
enum Letterhead {
    static let maxLength = 120

    /// The issuer's name as set, else "ĐẢNG ỦY XÃ …" / "ỦY BAN NHÂN DÂN XÃ …" from the commune's name.
    static func bodyName(_ kind: IssuingKind, commune: Commune) -> String {
        let place = GroupDocuments.place(of: commune).uppercased()
        switch kind {
        case .party: return nonEmpty(commune.partyBody) ?? "ĐẢNG ỦY XÃ \(place)"
        case .state: return nonEmpty(commune.stateBody) ?? "ỦY BAN NHÂN DÂN XÃ \(place)"
        }
    }

    static func parentName(_ kind: IssuingKind, commune: Commune) -> String? {
        nonEmpty(kind == .party ? commune.partyParentBody : commune.stateParentBody)
    }

    /// The issuing body of a document. `documentNumber` is the number's suffix, e.g. "     -BC/ĐU".
    static func issuer(_ kind: IssuingKind, commune: Commune, documentNumber: String? = nil) -> IssuingBody {
        IssuingBody(kind: kind.documentKind, parentName: parentName(kind, commune: commune), name: bodyName(kind, commune: commune),
                    documentNumber: documentNumber, place: GroupDocuments.place(of: commune))
    }

    /// Who signs a report issued under the group's number (Decree 30/2020, Appendix I; Guideline
    /// 36-HD/VPTW for the Party): a "/BC-UBND" report is signed on behalf of the People's
    /// Committee by its chair ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"), a "-BC/ĐU" report on behalf of
    /// the Party Committee by its secretary ("T/M ĐẢNG ỦY / BÍ THƯ") — never by the compiler, who
    /// is named on a smaller line of the report. The name is left blank for the signer to write:
    /// the settings hold the issuing body of each group, not the person who holds the office.
    static func reportSignature(_ kind: IssuingKind) -> DocxSignature {
        switch kind {
        case .state: DocxSignature(authority: "TM. ỦY BAN NHÂN DÂN", position: "CHỦ TỊCH", name: "")
        case .party: DocxSignature(authority: "T/M ĐẢNG ỦY", position: "BÍ THƯ", name: "")
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmedWhitespaceAndNewlines, !text.isEmpty else { return nil }
        return text
    }
}

/// `GET/PUT /api/v1/settings/commune`: the commune's name and its letterheads.
struct CommuneSettingsDTO: Content {
    var name: String
    /// The parent bodies printed above the issuers' names; null: not set yet.
    var partyParentBody: String?
    var stateParentBody: String?
    /// The issuers' names as printed (the set value, else the one made from the commune's name).
    var partyBody: String
    var stateBody: String
    /// The admin chose reminders inside the app only (no webhook or e-mail).
    var inAppRemindersAccepted: Bool

    init(_ commune: Commune) {
        name = commune.name
        partyParentBody = commune.partyParentBody
        stateParentBody = commune.stateParentBody
        partyBody = Letterhead.bodyName(.party, commune: commune)
        stateBody = Letterhead.bodyName(.state, commune: commune)
        inAppRemindersAccepted = commune.inAppRemindersAccepted
    }
}

/// Every key optional: an absent key keeps the value, an empty text (or null) clears it.
struct CommuneSettingsInput: Content {
    var name: String?
    var partyParentBody: String?
    var stateParentBody: String?
    var partyBody: String?
    var stateBody: String?
    var inAppRemindersAccepted: Bool?
}

enum CommuneSettingsService {
    /// Letterhead lines are printed in capitals, as both decrees write them.
    static func letterheadLine(_ raw: String?, field: String, into failure: inout ValidationFailure) -> String? {
        let text = VietnameseText.nfc(raw ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ").uppercased()
        if text.count > Letterhead.maxLength { failure.add(field, "err_too_long", argument: String(Letterhead.maxLength)) }
        return text.isEmpty ? nil : text
    }

    /// Applies the input to the commune (a fresh copy from the database) and saves it, audited.
    static func save(_ input: CommuneSettingsInput, communeID: UUID, actorID: UUID, now: Date, on db: any Database) async throws -> Commune {
        guard let commune = try await Commune.find(communeID, on: db) else { throw AppError.unauthorized }
        var failure = ValidationFailure()
        let name = input.name.map { OrganisationService.cleanName($0, into: &failure) } ?? commune.name
        let partyParent = input.partyParentBody.map { letterheadLine($0, field: "partyParentBody", into: &failure) } ?? commune.partyParentBody
        let stateParent = input.stateParentBody.map { letterheadLine($0, field: "stateParentBody", into: &failure) } ?? commune.stateParentBody
        let partyBody = input.partyBody.map { letterheadLine($0, field: "partyBody", into: &failure) } ?? commune.partyBody
        let stateBody = input.stateBody.map { letterheadLine($0, field: "stateBody", into: &failure) } ?? commune.stateBody
        guard failure.isEmpty else { throw failure }
        let before = CommuneSettingsDTO(commune)
        commune.name = name
        commune.partyParentBody = partyParent
        commune.stateParentBody = stateParent
        commune.partyBody = partyBody
        commune.stateBody = stateBody
        if let accepted = input.inAppRemindersAccepted { commune.inAppRemindersAccepted = accepted }
        try await db.transaction { db in
            try await commune.save(on: db)
            try await AuditTrail.record(on: db, communeID: communeID, actorID: actorID, at: now, kind: "settings",
                                        action: "commune", subjectID: communeID, before: before, after: CommuneSettingsDTO(commune))
        }
        return commune
    }
}

struct CommuneSettingsAPIController {
    /// `GET /api/v1/settings/commune` (everyone signed in: the name and letterheads are public inside the commune).
    func show(_ req: Request) async throws -> CommuneSettingsDTO {
        let user = try req.authorize(.readCalendar)
        return CommuneSettingsDTO(user.commune)
    }

    /// `PUT /api/v1/settings/commune` (admin)
    func put(_ req: Request) async throws -> CommuneSettingsDTO {
        let user = try req.authorize(.manageOrganisation)
        let input = try req.decodeJSON(CommuneSettingsInput.self)
        do {
            return CommuneSettingsDTO(try await CommuneSettingsService.save(input, communeID: user.communeID, actorID: user.personID,
                                                                            now: req.now, on: req.db))
        } catch let failure as ValidationFailure {
            throw failure.apiError
        }
    }
}
