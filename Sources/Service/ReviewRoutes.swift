import Assessment
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The quality board's pages: the bank versions awaiting review across all providers, a version's every item with
/// its key and feedback, comments per item, and the decision (approve, or send back with a comment). Reviewers
/// are not tied to one provider.
struct ReviewRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        let reviewer = Access.roles([.reviewer])
        registry.add(.get, "/review", reviewer, .page) { request, context in
            let strings = site.strings(context)
            let pending = try await site.database.reviews.pending()
            let rows = pending.map { version -> [String: Any] in
                [
                    "organisation": version.organisation, "bank": version.bankID, "version": version.version,
                    "title": version.title, "items": version.itemCount, "uploaded_by": version.uploadedBy,
                    "uploaded_at": Self.time(version.uploadedAt),
                    "path": Self.path(version.organisation, version.bankID, version.version),
                ]
            }
            var data: [String: Any] = ["pending": rows, "has_pending": !rows.isEmpty]
            if let done = request.uri.queryParameters.get("decided") {
                data["decided"] =
                    done == "approved" ? strings.text("review_done_approved") : strings.text("review_done_returned")
            }
            return site.page("review", title: strings.text("review_title"), data, request: request, context: context)
        }
        registry.add(.get, "/review/:organisation/:bank/:version", reviewer, .page) { request, context in
            try await versionPage(request, context: context, error: nil)
        }
        registry.add(.post, "/review/:organisation/:bank/:version/comments", reviewer, .page) { request, context in
            let version = try await version(context)
            let item = context.form.fields["item"] ?? ""
            guard let bank = await site.storedBanks.bank(version),
                bank.items.contains(where: { $0.id == item })
            else {
                return try await versionPage(
                    request, context: context, error: site.strings(context).text("review_item_unknown"),
                    status: .unprocessableContent)
            }
            do {
                try await site.database.reviews.comment(
                    organisation: version.organisation, bankID: version.bankID, version: version.version,
                    itemID: item, text: context.form.fields["comment"] ?? "", reviewer: try Self.actor(context))
            } catch let error as StorageError where error.code == .invalid || error.code == .conflict {
                return try await versionPage(
                    request, context: context, error: Self.message(error, strings: site.strings(context)),
                    status: error.code == .conflict ? .conflict : .unprocessableContent)
            }
            return Site.redirect(
                Self.path(version.organisation, version.bankID, version.version) + "#item-\(Self.anchor(item))")
        }
        registry.add(.post, "/review/:organisation/:bank/:version/decision", reviewer, .page) { request, context in
            let version = try await version(context)
            let decision = context.form.fields["decision"] ?? ""
            guard decision == "approve" || decision == "return" else {
                return try await versionPage(
                    request, context: context, error: site.strings(context).text("review_decision_missing"),
                    status: .unprocessableContent)
            }
            do {
                try await site.database.reviews.decide(
                    organisation: version.organisation, bankID: version.bankID, version: version.version,
                    approve: decision == "approve", comment: context.form.fields["comment"] ?? "",
                    reviewer: try Self.actor(context))
            } catch let error as StorageError where error.code == .invalid || error.code == .conflict {
                return try await versionPage(
                    request, context: context, error: Self.message(error, strings: site.strings(context)),
                    status: error.code == .conflict ? .conflict : .unprocessableContent)
            }
            return Site.redirect("/review?decided=\(decision == "approve" ? "approved" : "returned")")
        }
    }

    /// The version named in the path (of any organisation: the board reviews them all), or 404.
    private func version(_ context: CampusContext) async throws -> BankVersion {
        let organisation = context.parameters.get("organisation") ?? ""
        let bank = context.parameters.get("bank") ?? ""
        guard let number = context.parameters.get("version").flatMap(Int.init), number >= 1,
            let found = try await site.database.banks.find(organisation: organisation, bankID: bank, version: number)
        else {
            throw HTTPFailure(.notFound, "notFound", site.strings(context).text("review_not_found"))
        }
        return found
    }

    private func versionPage(
        _ request: Request, context: CampusContext, error: String?, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = site.strings(context)
        let version = try await version(context)
        let state = try await site.database.reviews.state(
            organisation: version.organisation, bankID: version.bankID, version: version.version)
        let comments = try await site.database.reviews.comments(
            organisation: version.organisation, bankID: version.bankID, version: version.version)
        guard let bank = await site.storedBanks.bank(version) else {
            throw HTTPFailure(.internalServerError, "internal", "a stored bank version cannot be read")
        }
        let items = bank.items.map { item -> [String: Any] in
            let mine = comments.filter { $0.itemID == item.id }.map(Self.commentData)
            return [
                "id": item.id, "anchor": Self.anchor(item.id), "type": item.kind.typeName,
                "yaml": (try? BankWriter.yaml(item)) ?? item.stem, "comments": mine, "has_comments": !mine.isEmpty,
            ]
        }
        var data: [String: Any] = [
            "organisation": version.organisation, "bank": version.bankID, "version": version.version,
            "bank_title": version.title, "items": items, "item_count": items.count,
            "path": Self.path(version.organisation, version.bankID, version.version),
            "review": Self.stateData(state, strings: strings), "open": state == .draft,
        ]
        data["stats"] = try await ItemAnalysisView.data(
            version: version, bank: bank, includeSelfTests: request.uri.queryParameters.get("selftests") == "1",
            site: site, strings: strings)
        if let error { data["error"] = error }
        return site.page(
            "review-version", title: strings.text("review_version_title", version.bankID, "\(version.version)"), data,
            request: request, context: context, status: status)
    }

    // MARK: - Presenting (also on the provider's bank page)

    static func stateData(_ state: ReviewState, strings: Strings) -> [String: Any] {
        var data: [String: Any] = [
            "word": state.word, "label": strings.text("review_state_\(state.word)"), "draft": state == .draft,
        ]
        if let decision = state.decision {
            data["by"] = decision.reviewer
            data["at"] = time(decision.decidedAt)
            if !decision.comment.isEmpty { data["comment"] = decision.comment }
        }
        return data
    }

    static func commentData(_ comment: ItemComment) -> [String: Any] {
        [
            "item": comment.itemID, "comment": comment.comment, "reviewer": comment.reviewer,
            "at": time(comment.createdAt),
        ]
    }

    static func time(_ seconds: Int64) -> String {
        String(Date(timeIntervalSince1970: TimeInterval(seconds)).ISO8601Format().prefix(16)).replacingOccurrences(
            of: "T", with: " ") + " UTC"
    }

    static func path(_ organisation: String, _ bank: String, _ version: Int) -> String {
        "/review/\(Site.queryEscaped(organisation))/\(Site.queryEscaped(bank))/\(version)"
    }

    /// An HTML id for an item id (letters, digits, `-` and `_` kept; anything else as `_`).
    static func anchor(_ id: String) -> String {
        String(
            id.unicodeScalars.map {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" ? Character($0) : "_"
            })
    }

    static func actor(_ context: CampusContext) throws -> String {
        guard let login = context.identity?.account.login else {
            throw HTTPFailure(.unauthorized, "unauthenticated", "")
        }
        return login
    }

    static func message(_ error: StorageError, strings: Strings) -> String {
        error.code == .conflict ? strings.text("review_decided_already") : error.reason
    }
}
