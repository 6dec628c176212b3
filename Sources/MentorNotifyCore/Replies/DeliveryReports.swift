import MentorModel
import MentorStore

extension ReplyCore {
    /// A gateway's delivery report for the SMS with outbox id `id` or gateway id `providerID`
    /// (SPEC.md "The web endpoint"): `delivered`, or failed with `reason`. The webhook has
    /// authenticated and parsed it; the same report twice changes the row once.
    @discardableResult
    func deliveryReport(id: Int64?, providerID: String?, delivered: Bool, reason: String, now: Int64) throws -> Bool {
        let changed = try store.write {
            try store.applyDeliveryReport(
                id: id, providerID: providerID, delivered: delivered, reason: reason, now: now)
        }
        logger.debug(
            "delivery-report",
            [
                "outbox": id.map(String.init) ?? "-", "delivered": delivered ? "yes" : "no",
                "result": changed ? "applied" : "unchanged",
            ])
        return changed
    }
}
