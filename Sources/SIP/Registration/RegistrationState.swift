import SIPMessage

/// Where a registration stands, as reported to the driver by `.stateChanged`.
public enum RegistrationState: Sendable, Hashable, CustomStringConvertible {
    /// Not started.
    case idle
    /// A REGISTER is under way and we are not registered yet.
    case registering
    /// The registrar holds our binding for `expires` seconds. `contact` is the address
    /// registered; `publicAddress` is where the registrar saw us from when that differs from
    /// our local address (RFC 3581 `received`/`rport`).
    case registered(expires: Int, contact: SIPURI, publicAddress: PublicAddress?)
    /// The last attempt failed: `code` is the status code, nil when no response came; a new
    /// attempt follows in `retryIn`.
    case failed(code: Int?, reason: String, retryIn: Duration)
    /// The un-REGISTER is under way.
    case unregistering
    /// Done: unregistered, or stopped before ever registering.
    case unregistered

    /// A host and port as seen from the other side of a NAT. IPv6 hosts are written without
    /// brackets.
    public struct PublicAddress: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public var description: String {
        switch self {
        case .idle: "idle"
        case .registering: "registering"
        case .registered(let expires, let contact, let publicAddress):
            "registered for \(expires) s as \(contact)" + (publicAddress.map { " (public address \($0))" } ?? "")
        case .failed(let code, let reason, let retryIn):
            "failed" + (code.map { " (\($0))" } ?? "") + ": \(reason); retry in \(Self.seconds(retryIn)) s"
        case .unregistering: "unregistering"
        case .unregistered: "unregistered"
        }
    }

    /// `5`, `4.321`: whole milliseconds, as a log line wants them.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = Int(duration / .milliseconds(1))
        let whole = String(milliseconds / 1000)
        guard milliseconds % 1000 != 0 else { return whole }
        let fraction = String(milliseconds % 1000)
        return whole + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// The timers of a registration. The driver keeps at most one of each: starting one that runs
/// restarts it.
public enum RegistrationTimer: Sendable, Hashable, CaseIterable {
    /// Refresh the binding before it expires (RFC 3261 §10.2.4).
    case refresh
    /// Try again after a failure.
    case retry
}
