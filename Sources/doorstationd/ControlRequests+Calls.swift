import Network

/// `ctl call`, `hangup`, `answer`, `reject`, `dtmf`, `hold`, `resume`.
extension ControlRequests {
    func callCommand(_ words: [String]) async throws(ControlError) -> String {
        do {
            switch (words[0], words.count) {
            case ("call", 2), ("call", 3):
                let account = words.count == 3 ? try Self.number(words[2], what: "account") : nil
                let callID = try await userAgent.placeCall(to: words[1], account: account)
                return Self.encode(["ok": true, "call_id": callID])
            case ("hangup", 1):
                let calls = await userAgent.callStatus().map(\.callID)
                guard !calls.isEmpty else { throw ControlError("no call to hang up") }
                for callID in calls { try await userAgent.hangUp(callID) }
                return Self.encode(["ok": true, "hung_up": calls])
            case ("hangup", 2):
                try await userAgent.hangUp(words[1])
                return Self.encode(["ok": true, "hung_up": [words[1]]])
            case ("answer", 2):
                try await userAgent.answerCall(words[1])
                return Self.encode(["ok": true, "answered": words[1]])
            case ("reject", 2), ("reject", 3):
                let code = words.count == 3 ? try Self.number(words[2], what: "status code", in: 400...699) : 486
                try await userAgent.rejectCall(words[1], statusCode: code)
                return Self.encode(["ok": true, "rejected": words[1], "code": code])
            case ("dtmf", 3), ("dtmf", 4):
                let keyMilliseconds = words.count == 4 ? try Self.number(words[3], what: "key time (ms)", in: 40...10_000) : 100
                let digits = words[2].uppercased()
                guard !digits.isEmpty, digits.allSatisfy({ "0123456789*#ABCD".contains($0) }) else {
                    throw ControlError("DTMF digits are 0-9, *, # and A-D, got \"\(words[2])\"")
                }
                try await userAgent.sendDTMF(words[1], digits: digits, durationMilliseconds: keyMilliseconds)
                return Self.encode(["ok": true, "sent": digits])
            case ("hold", 2), ("resume", 2):
                try await userAgent.setHold(words[1], words[0] == "hold")
                return Self.encode(["ok": true, words[0] == "hold" ? "held" : "resumed": words[1]])
            default:
                throw ControlError("wrong arguments for \(words[0]); \(Self.help)")
            }
        } catch let error as ControlError {
            throw error
        } catch {
            throw ControlError("\(error)")
        }
    }
}
