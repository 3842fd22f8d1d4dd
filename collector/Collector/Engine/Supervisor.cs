using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using AssetMeter.Collector.Commands;
using AssetMeter.Collector.Registry;
using AssetMeter.Collector.Storage;

namespace AssetMeter.Collector.Engine
{
    /// <summary>How the collector looks after its meters.</summary>
    public sealed class SupervisorSettings
    {
        /// <summary>Acknowledge received periods, so that meters may drop them from their journal.</summary>
        public bool Acknowledge { get; init; } = true;

        /// <summary>Ask meters for missing periods (the authenticated backfill command).</summary>
        public bool Backfill { get; init; } = true;

        /// <summary>Check meters' clocks against the collector's.</summary>
        public bool CheckClocks { get; init; } = true;

        /// <summary>Reset a clock found beyond <see cref="ClockBound"/> (BSCP601 DR3).</summary>
        public bool ResetClocks { get; init; } = true;

        /// <summary>Least time between two acknowledgements to one meter (a meter verifies each, and that costs it).</summary>
        public TimeSpan AcknowledgeInterval { get; init; } = TimeSpan.FromMinutes(1);

        /// <summary>A missing period younger than this may still be on its way: it is not requested yet.</summary>
        public TimeSpan GapGrace { get; init; } = TimeSpan.FromMinutes(5);

        /// <summary>Wait between two requests for the same missing periods.</summary>
        public TimeSpan BackfillRetry { get; init; } = TimeSpan.FromMinutes(10);

        /// <summary>Requests for one gap before it is reported as still missing and left alone.</summary>
        public int BackfillAttempts { get; init; } = 5;

        /// <summary>How often each meter's clock is checked.</summary>
        public TimeSpan ClockCheckInterval { get; init; } = TimeSpan.FromHours(6);

        /// <summary>How often a meter whose status says its clock is not synchronised is checked.</summary>
        public TimeSpan DoubtfulClockCheckInterval { get; init; } = TimeSpan.FromMinutes(15);

        /// <summary>How soon a clock that was just reset, measured inconclusively or seen far off is checked again.</summary>
        public TimeSpan ClockRecheck { get; init; } = TimeSpan.FromMinutes(2);

        /// <summary>Largest tolerated difference between a meter's clock and the collector's.</summary>
        public TimeSpan ClockBound { get; init; } = TimeSpan.FromSeconds(10);

        /// <summary>A command unanswered after this is taken as lost.</summary>
        public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromMinutes(2);

        /// <summary>Validity of each command (its expiry is the send time plus this).</summary>
        public TimeSpan CommandLifetime { get; init; } = MeterCommand.DefaultLifetime;

        /// <summary>
        /// How soon a meter is looked at again while its status says it holds periods this instance has not seen
        /// stored: another instance of the share group may have stored them, and only the database says so.
        /// </summary>
        public TimeSpan StoredElsewhereRecheck { get; init; } = TimeSpan.FromSeconds(10);
    }

    /// <summary>A command to publish: its topic and the signed message.</summary>
    public readonly record struct OutgoingCommand(string Serial, string Topic, byte[] Message, string Operation, long Counter);

    /// <summary>
    /// Decides, from the store and the collector's clock, what each meter must be told: acknowledgements of what
    /// has arrived, requests for what is missing, clock checks and clock resets. It owns no I/O besides its store:
    /// the shell publishes what <see cref="Decide(DateTime)"/> or <see cref="DecideDue"/> returns.
    /// </summary>
    /// <remarks>
    /// A meter's decision depends on what is stored for it (its status, its periods, its commands' replies) and on
    /// time passing thresholds (an acknowledgement's interval, a gap's grace, a retry, a clock check due). So after
    /// deciding for a meter the supervisor knows when that decision can next change with nothing new stored: the
    /// earliest of those thresholds. <see cref="DecideDue"/> looks only at meters with news (<see cref="Notice"/>: a
    /// period, status or reply stored) and at meters whose time has come (a queue ordered by that time), so a round
    /// costs what changed, not the fleet; its decisions are those of <see cref="Decide(DateTime)"/>, which looks at
    /// every registered meter (the test suite holds the two to it). Periods another instance of a share group stored
    /// reach this one through the database only: a meter whose status says it holds periods not seen stored is looked
    /// at again after <see cref="SupervisorSettings.StoredElsewhereRecheck"/>.
    /// </remarks>
    public sealed class Supervisor
    {
        /// <summary>Meters decided together: their standing data, status and periods read with a few queries.</summary>
        public const int Chunk = 500;

        private readonly CollectorStore _store;
        private readonly CollectorKey _key;
        private readonly MeterTopics _topics;
        private readonly SupervisorSettings _settings;
        private readonly string _instance;
        private readonly Action<string> _log;
        private readonly Dictionary<string, MeterWatch> _watch = new(StringComparer.Ordinal);
        private readonly SortedSet<(long Ticks, string Serial)> _due = new();
        private readonly ConcurrentQueue<string> _news = new();
        private bool _started;

        public Supervisor(CollectorStore store, CollectorKey key, MeterTopics topics, SupervisorSettings settings, string instance, Action<string> log)
        {
            _store = store;
            _key = key;
            _topics = topics;
            _settings = settings;
            _instance = instance;
            _log = log;
        }

        /// <summary>Meters the supervisor has looked at (and keeps a watch for).</summary>
        public int MetersWatched => _watch.Count;

        /// <summary>Meters with a time at which their decision can change (in the due queue).</summary>
        public int MetersScheduled => _due.Count;

        /// <summary>News not yet looked at (thread-safe).</summary>
        public int NewsWaiting => _news.Count;

        /// <summary>
        /// Tells the supervisor what was stored (thread-safe; the ingest writer calls it after each commit): a
        /// period, a status or a reply changes what a meter's decision reads.
        /// </summary>
        public void Notice(IngestOutcome outcome)
        {
            bool news = outcome.Kind switch
            {
                MessageKind.Period => outcome.Result is IngestResult.Stored or IngestResult.Quarantined,
                MessageKind.Status => outcome.Result == IngestResult.Stored,
                MessageKind.Reply => outcome.Result is IngestResult.Stored or IngestResult.Duplicate,
                _ => false,
            };
            if (news && outcome.Serial.Length > 0)
            {
                _news.Enqueue(outcome.Serial);
            }
        }

        /// <summary>The commands due now for every registered meter (a scan of the whole fleet).</summary>
        public List<OutgoingCommand> Decide(DateTime now)
        {
            var commands = new List<OutgoingCommand>();
            List<MeterRegistration> meters = _store.Meters();
            for (int from = 0; from < meters.Count; from += Chunk)
            {
                DecideMany(meters.GetRange(from, Math.Min(Chunk, meters.Count - from)), now, commands);
            }

            return commands;
        }

        /// <summary>The commands due now for one meter.</summary>
        public void Decide(MeterRegistration meter, DateTime now, List<OutgoingCommand> commands) => DecideMany(new[] { meter }, now, commands);

        /// <summary>
        /// The commands due now, for the meters with news since the last round and those whose time has come; at most
        /// <paramref name="maxMeters"/> meters, <paramref name="more"/> saying whether others are waiting (call again).
        /// The first round looks at every registered meter, as the supervisor knows nothing of them yet.
        /// </summary>
        public List<OutgoingCommand> DecideDue(DateTime now, int maxMeters, out bool more)
        {
            var commands = new List<OutgoingCommand>();
            var serials = new List<string>();
            var taken = new HashSet<string>(StringComparer.Ordinal);
            if (!_started)
            {
                _started = true;
                foreach (MeterRegistration meter in _store.Meters())
                {
                    Schedule(meter.Serial, DateTime.MinValue);
                }
            }

            while (serials.Count < maxMeters && _news.TryDequeue(out string? serial))
            {
                if (taken.Add(serial))
                {
                    serials.Add(serial);
                }
            }

            long ticks = now.Ticks;
            while (serials.Count < maxMeters && _due.Count > 0 && _due.Min.Ticks <= ticks)
            {
                (long _, string serial) = _due.Min;
                _due.Remove(_due.Min);
                if (_watch.TryGetValue(serial, out MeterWatch? watch))
                {
                    watch.DueTicks = long.MaxValue;
                }

                if (taken.Add(serial))
                {
                    serials.Add(serial);
                }
            }

            more = !_news.IsEmpty || (_due.Count > 0 && _due.Min.Ticks <= ticks);
            for (int from = 0; from < serials.Count; from += Chunk)
            {
                List<string> chunk = serials.GetRange(from, Math.Min(Chunk, serials.Count - from));
                Dictionary<string, MeterRegistration> registered = _store.Meters(chunk);
                var meters = new List<MeterRegistration>(chunk.Count);
                foreach (string serial in chunk)
                {
                    if (registered.TryGetValue(serial, out MeterRegistration? meter))
                    {
                        meters.Add(meter);
                    }
                }

                DecideMany(meters, now, commands);
            }

            return commands;
        }

        // Decides for each meter in turn, reading what the decisions need for all of them at once and claiming the
        // commands' counters together; then schedules each meter for when its decision can next change.
        private void DecideMany(IReadOnlyList<MeterRegistration> meters, DateTime now, List<OutgoingCommand> commands)
        {
            if (meters.Count == 0)
            {
                return;
            }

            var serials = new List<string>(meters.Count);
            foreach (MeterRegistration meter in meters)
            {
                serials.Add(meter.Serial);
            }

            Dictionary<string, StoredStatus> statuses = _store.Statuses(serials);
            var withPeriods = new List<(string Serial, long From, long To)>();
            foreach (MeterRegistration meter in meters)
            {
                if (statuses.TryGetValue(meter.Serial, out StoredStatus? status) && status.Online && status.LastPeriod >= 0)
                {
                    long from = Math.Min(status.FirstPeriod >= 0 ? status.FirstPeriod : status.LastPeriod, status.Acknowledged + 1);
                    withPeriods.Add((meter.Serial, from, status.LastPeriod));
                }
            }

            // Everything the meter sent us within its journal: stored, or quarantined with the meter's good signature.
            var received = new Dictionary<string, HashSet<long>>(withPeriods.Count, StringComparer.Ordinal);
            List<long>[] stored = _store.PeriodIndexes(withPeriods);
            List<long>[] quarantined = _store.QuarantinedSignedPeriodIndexes(withPeriods.ConvertAll(w => w.Serial));
            for (int i = 0; i < withPeriods.Count; i++)
            {
                var set = new HashSet<long>(stored[i]);
                set.UnionWith(quarantined[i]);
                received[withPeriods[i].Serial] = set;
            }

            var intents = new List<Intent>();
            var dues = new List<(string Serial, MeterWatch Watch, DateTime Due)>(meters.Count);
            foreach (MeterRegistration meter in meters)
            {
                if (!_watch.TryGetValue(meter.Serial, out MeterWatch? watch))
                {
                    watch = new MeterWatch();
                    _watch[meter.Serial] = watch;
                }

                DateTime due = Decide(meter, statuses.GetValueOrDefault(meter.Serial), received.GetValueOrDefault(meter.Serial), watch, now, intents);
                dues.Add((meter.Serial, watch, due));
            }

            if (intents.Count > 0)
            {
                long floor = (long)(UtcText.AsUtc(now) - DateTime.UnixEpoch).TotalMilliseconds;
                long[] counters = _store.ClaimCounters(intents.ConvertAll(i => (i.Serial, floor, i.Operation, i.Arguments)), now, _instance);
                for (int i = 0; i < intents.Count; i++)
                {
                    Intent intent = intents[i];
                    commands.Add(new OutgoingCommand(intent.Serial, _topics.Command(intent.Serial), intent.Build(counters[i]), intent.Operation, counters[i]));
                    intent.Claimed?.Invoke(counters[i]);
                }
            }

            // A time already passed means the next round (never this one again: a round decides once per meter).
            foreach ((string serial, MeterWatch watch, DateTime due) in dues)
            {
                Schedule(serial, watch, due <= now ? now.AddTicks(1) : due);
            }
        }

        private void Schedule(string serial, DateTime due)
        {
            if (!_watch.TryGetValue(serial, out MeterWatch? watch))
            {
                watch = new MeterWatch();
                _watch[serial] = watch;
            }

            Schedule(serial, watch, due);
        }

        // One place in the queue per meter: the earliest time its decision can change (none: it waits for news).
        private void Schedule(string serial, MeterWatch watch, DateTime due)
        {
            long ticks = due == DateTime.MaxValue ? long.MaxValue : due.Ticks;
            if (watch.DueTicks == ticks)
            {
                return;
            }

            if (watch.DueTicks != long.MaxValue)
            {
                _due.Remove((watch.DueTicks, serial));
            }

            watch.DueTicks = ticks;
            if (ticks != long.MaxValue)
            {
                _due.Add((ticks, serial));
            }
        }

        // The commands due now for one meter, and the earliest time at which, with nothing new stored, they could differ.
        private DateTime Decide(MeterRegistration meter, StoredStatus? status, HashSet<long>? received, MeterWatch watch, DateTime now, List<Intent> intents)
        {
            if (status == null || !status.Online)
            {
                // Commands to a meter that is not connected would wait in no queue (clean sessions): wait for it.
                return DateTime.MaxValue;
            }

            DateTime due = DateTime.MaxValue;
            if (_settings.CheckClocks)
            {
                due = SuperviseClock(meter, status, watch, now, intents);
            }

            if (status.LastPeriod < 0)
            {
                return due;
            }

            received ??= new HashSet<long>();
            if (_settings.Acknowledge)
            {
                due = Min(due, Acknowledge(meter, status, watch, received, now, intents));
            }

            if (_settings.Backfill)
            {
                due = Min(due, RequestMissing(meter, status, watch, received, now, intents));
            }

            // The meter holds a period closed within the hour that is not seen stored: another instance may have
            // stored it, and only the database would say so; look again soon (an older hole is long settled).
            if (NewestMissing(status, received) is long missing && UtcText.PeriodStart(missing + 1) > now - StoredElsewhereWindow)
            {
                due = Min(due, now + _settings.StoredElsewhereRecheck);
            }

            return due;
        }

        /// <summary>How long after a period closed the supervisor keeps looking for another instance to have stored it.</summary>
        public static readonly TimeSpan StoredElsewhereWindow = TimeSpan.FromHours(1);

        // The newest period the meter holds (and has not had acknowledged) that is not received; null when none.
        private static long? NewestMissing(StoredStatus status, HashSet<long> received)
        {
            long first = Math.Max(status.FirstPeriod >= 0 ? status.FirstPeriod : status.Acknowledged + 1, status.Acknowledged + 1);
            for (long index = status.LastPeriod; index >= first; index--)
            {
                if (!received.Contains(index))
                {
                    return index;
                }
            }

            return null;
        }

        private DateTime Acknowledge(MeterRegistration meter, StoredStatus status, MeterWatch watch, HashSet<long> received, DateTime now, List<Intent> intents)
        {
            // Only what is contiguous above what the meter already counts as acknowledged: an acknowledgement lets the
            // meter drop every period up to it, so it must never pass over one we do not have.
            // Periods below the oldest the meter keeps need no acknowledgement (nothing is there to drop).
            long acknowledged = status.FirstPeriod >= 0 ? Math.Max(status.Acknowledged, status.FirstPeriod - 1) : status.Acknowledged;
            long frontier = acknowledged;
            while (frontier + 1 <= status.LastPeriod && received.Contains(frontier + 1))
            {
                frontier++;
            }

            if (frontier <= acknowledged)
            {
                return DateTime.MaxValue;
            }

            // Sent already and the meter's status has not caught up yet: wait for it (or for the reply timeout).
            // Each acknowledgement costs the meter a signature verification: no more than one a minute unless a day is waiting.
            bool waitingForStatus = frontier <= watch.AcknowledgedUpTo && now - watch.AcknowledgedAt < _settings.ReplyTimeout;
            bool tooSoon = now - watch.AcknowledgedAt < _settings.AcknowledgeInterval && frontier - Math.Max(acknowledged, watch.AcknowledgedUpTo) < 48;
            if (!waitingForStatus && !tooSoon)
            {
                string serial = meter.Serial;
                DateTime expiry = now + _settings.CommandLifetime;
                intents.Add(new Intent(serial, "ack", "to=" + frontier, counter => MeterCommand.Acknowledge(_key, serial, counter, expiry, frontier), null));
                watch.AcknowledgedUpTo = frontier;
                watch.AcknowledgedAt = now;
            }

            return Min(After(watch.AcknowledgedAt, _settings.ReplyTimeout), After(watch.AcknowledgedAt, _settings.AcknowledgeInterval));
        }

        private DateTime RequestMissing(MeterRegistration meter, StoredStatus status, MeterWatch watch, HashSet<long> received, DateTime now, List<Intent> intents)
        {
            long first = status.FirstPeriod >= 0 ? status.FirstPeriod : status.Acknowledged + 1;
            long highestReceived = -1;
            foreach (long r in received)
            {
                highestReceived = Math.Max(highestReceived, r);
            }

            DateTime due = DateTime.MaxValue;
            long dueBefore = UtcText.PeriodIndex(now - _settings.GapGrace) - 1;
            long index = first;
            while (index <= status.LastPeriod)
            {
                if (received.Contains(index))
                {
                    index++;
                    continue;
                }

                long from = index;
                while (index <= status.LastPeriod && !received.Contains(index) && index - from < 19_999)
                {
                    index++;
                }

                long to = index - 1;

                // A hole below something received is certainly a hole; the tail may still be on its way.
                if (to > highestReceived && from > dueBefore)
                {
                    due = Min(due, UtcText.PeriodStart(from + 1) + _settings.GapGrace);
                    continue;
                }

                watch.Gaps ??= new Dictionary<long, GapWatch>();
                if (!watch.Gaps.TryGetValue(from, out GapWatch? gap))
                {
                    gap = new GapWatch();
                    watch.Gaps[from] = gap;
                }

                if (gap.Attempts >= _settings.BackfillAttempts)
                {
                    continue;
                }

                if (now - gap.RequestedAt < _settings.BackfillRetry)
                {
                    due = Min(due, After(gap.RequestedAt, _settings.BackfillRetry));
                    continue;
                }

                gap.Attempts++;
                gap.RequestedAt = now;
                string serial = meter.Serial;
                DateTime expiry = now + _settings.CommandLifetime;
                intents.Add(new Intent(serial, "resend", "from=" + from + ";to=" + to, counter => MeterCommand.Resend(_key, serial, counter, expiry, from, to), null));
                _log($"{meter.Serial}: periods {from}..{to} missing ({UtcText.Minutes(UtcText.PeriodStart(from))} to {UtcText.Minutes(UtcText.PeriodStart(to + 1))}), backfill request {gap.Attempts} of {_settings.BackfillAttempts}");
                if (gap.Attempts == _settings.BackfillAttempts)
                {
                    _log($"{meter.Serial}: last backfill request for periods {from}..{to}; still missing ones will be in the validation report");
                }
                else
                {
                    due = Min(due, After(now, _settings.BackfillRetry));
                }
            }

            return due;
        }

        private DateTime SuperviseClock(MeterRegistration meter, StoredStatus status, MeterWatch watch, DateTime now, List<Intent> intents)
        {
            if (watch.PendingCounter > 0)
            {
                CommandEntry? pending = _store.Command(meter.Serial, watch.PendingCounter);
                if (pending == null || pending.ReplyUtc == null)
                {
                    if (now - watch.PendingSentUtc < _settings.ReplyTimeout)
                    {
                        return After(watch.PendingSentUtc, _settings.ReplyTimeout);
                    }

                    _log($"{meter.Serial}: no answer to {watch.PendingOperation} command {watch.PendingCounter}");
                    watch.PendingCounter = 0;
                    watch.NextCheck = now;
                }
                else
                {
                    watch.PendingCounter = 0;
                    if (Answered(meter, pending, watch, now, intents))
                    {
                        return After(now, _settings.ReplyTimeout);
                    }

                    // Looked at again next round at the soonest, as when every meter was looked at every round.
                    return ClockDue(status, watch);
                }
            }

            // Regular checks, sooner when the meter's status shows its clock far off (a status is not signed and its
            // transit is unknown, so it only prompts a measurement) or says the clock is not synchronised.
            DateTime due = ClockDue(status, watch);
            if (PassivelyBeyond(status) && watch.PassiveNoticed != status.ReceivedUtc)
            {
                watch.PassiveNoticed = status.ReceivedUtc;
                _log($"{meter.Serial}: its status says {UtcText.Format(status.MeterUtc!.Value)}, received {UtcText.Format(status.ReceivedUtc)}: checking its clock");
            }

            if (now < due)
            {
                return due;
            }

            string serial = meter.Serial;
            DateTime expiry = now + _settings.CommandLifetime;
            intents.Add(new Intent(serial, "read", "clock-check", counter => MeterCommand.Read(_key, serial, counter, expiry), counter => watch.Pending("read", counter, now)));
            watch.LastCheck = now;
            watch.NextCheck = now + _settings.ClockCheckInterval;
            return After(now, _settings.ReplyTimeout);
        }

        // When the meter's clock is next to be measured, from its last status.
        private DateTime ClockDue(StoredStatus status, MeterWatch watch)
        {
            DateTime due = watch.NextCheck;
            if (PassivelyBeyond(status))
            {
                due = Min(due, After(watch.LastCheck, _settings.ClockRecheck));
            }
            else if (status.Clock != "synchronised" && status.Clock != "holdover")
            {
                due = Min(due, After(watch.LastCheck, _settings.DoubtfulClockCheckInterval));
            }

            return due;
        }

        // DateTime.MinValue stands for "never": never plus an interval is the interval after the start of time.
        private static DateTime After(DateTime time, TimeSpan interval) => time + interval;

        private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

        // True when it decided on a command (a reset).
        private bool Answered(MeterRegistration meter, CommandEntry command, MeterWatch watch, DateTime now, List<Intent> intents)
        {
            if (command.Operation == "clock")
            {
                if (command.Result == "ok")
                {
                    _log($"{meter.Serial}: clock reset accepted by the meter; checking it again");
                }
                else
                {
                    _log($"{meter.Serial}: clock reset REFUSED by the meter ({command.Reason}); the clock stays wrong");
                }

                watch.NextCheck = command.Result == "ok" ? now + _settings.ClockRecheck : now + _settings.ClockCheckInterval;
                return false;
            }

            if (command.MeterUtc == null && command.ReplyUtc != null && (command.Result == "ok" || command.Reason == "failed"))
            {
                // The meter does not know the time at all (no time source since it started): give it ours.
                _log($"{meter.Serial}: the meter does not know the time");
                if (_settings.ResetClocks)
                {
                    SendReset(meter, watch, now, now, intents);
                    return true;
                }

                return false;
            }

            if (command.Result != "ok" || command.MeterUtc == null || command.ReplyUtc == null)
            {
                _log($"{meter.Serial}: clock check refused by the meter ({command.Reason})");
                watch.NextCheck = now + _settings.ClockCheckInterval;
                StoredStatus? status = _store.Status(meter.Serial);
                if (_settings.ResetClocks && status != null && PassivelyBeyond(status))
                {
                    // Its status shows the clock far off: try the reset anyway (the meter will judge our access).
                    SendReset(meter, watch, now, now, intents);
                    return true;
                }

                return false;
            }

            ClockCheck check = Measure(meter.Serial, command, _settings.ClockBound);
            _store.AddClockCheck(check);
            if (check.Verdict == "within")
            {
                watch.NextCheck = now + _settings.ClockCheckInterval;
                return false;
            }

            if (check.Verdict == "inconclusive")
            {
                watch.NextCheck = now + _settings.ClockRecheck;
                return false;
            }

            _log($"{meter.Serial}: clock is {Seconds(check.OffsetMilliseconds)} s off UTC (± {Seconds(check.UncertaintyMilliseconds)} s), beyond the {_settings.ClockBound.TotalSeconds} s bound");
            if (!_settings.ResetClocks)
            {
                watch.NextCheck = now + _settings.ClockCheckInterval;
                return false;
            }

            // The command carries the collector's time at sending; on a LAN it arrives within milliseconds.
            SendReset(meter, watch, now, now, intents);
            return true;
        }

        private void SendReset(MeterRegistration meter, MeterWatch watch, DateTime now, DateTime setTo, List<Intent> intents)
        {
            string serial = meter.Serial;
            DateTime expiry = now + _settings.CommandLifetime;
            intents.Add(new Intent(serial, "clock", "utc=" + UtcText.Format(setTo), counter => MeterCommand.SetClock(_key, serial, counter, expiry, setTo), counter =>
            {
                watch.Pending("clock", counter, now);
                _log($"{serial}: clock reset to UTC sent (command {counter})");
            }));
        }

        // The meter's time in its last live status against when it arrived: transit only makes it look later, so a
        // difference beyond the bound plus a generous transit allowance is beyond the bound for certain.
        private bool PassivelyBeyond(StoredStatus status)
        {
            if (status.MeterUtc == null)
            {
                return false;
            }

            TimeSpan offset = status.MeterUtc.Value - status.ReceivedUtc;
            return offset.Duration() > _settings.ClockBound + PassiveTransitAllowance;
        }

        /// <summary>Transit time allowed for when judging a clock from a status message alone.</summary>
        public static readonly TimeSpan PassiveTransitAllowance = TimeSpan.FromSeconds(5);

        /// <summary>A signed request to re-send periods <paramref name="from"/> to <paramref name="to"/> (an explicit, repeated collection).</summary>
        public OutgoingCommand Resend(string serial, long from, long to, DateTime now)
        {
            long counter = Claim(serial, "resend", "from=" + from + ";to=" + to, now);
            return new OutgoingCommand(serial, _topics.Command(serial), MeterCommand.Resend(_key, serial, counter, now + _settings.CommandLifetime, from, to), "resend", counter);
        }

        /// <summary>A signed request for the registers now (a snapshot).</summary>
        public OutgoingCommand Read(string serial, DateTime now)
        {
            long counter = Claim(serial, "read", "registers", now);
            return new OutgoingCommand(serial, _topics.Command(serial), MeterCommand.Read(_key, serial, counter, now + _settings.CommandLifetime), "read", counter);
        }

        /// <summary>
        /// A clock measurement from a <c>read</c> round trip: the meter's time in its reply against the middle of the
        /// collector's send and receive times; half the round trip bounds the error. The verdict is <c>within</c>
        /// only when even the worst case is inside the bound, <c>beyond</c> only when even the best case is outside.
        /// </summary>
        public static ClockCheck Measure(string serial, CommandEntry command, TimeSpan bound)
        {
            DateTime sent = command.SentUtc;
            DateTime reply = command.ReplyUtc!.Value;
            DateTime meter = command.MeterUtc!.Value;
            long uncertainty = Math.Max(0, (long)(reply - sent).TotalMilliseconds) / 2;
            long offset = (long)(meter - sent).TotalMilliseconds - uncertainty;
            long limit = (long)bound.TotalMilliseconds;
            string verdict = Math.Abs(offset) + uncertainty <= limit ? "within" : Math.Abs(offset) - uncertainty > limit ? "beyond" : "inconclusive";
            return new ClockCheck
            {
                Serial = serial,
                Counter = command.Counter,
                SentUtc = sent,
                ReplyUtc = reply,
                MeterUtc = meter,
                OffsetMilliseconds = offset,
                UncertaintyMilliseconds = uncertainty,
                Verdict = verdict,
            };
        }

        // Counters start at the collector's clock in milliseconds: above anything an earlier collector (or an earlier
        // database) used, with no state to lose.
        private long Claim(string serial, string operation, string arguments, DateTime now)
        {
            long floor = (long)(UtcText.AsUtc(now) - DateTime.UnixEpoch).TotalMilliseconds;
            return _store.ClaimCounter(serial, floor, operation, arguments, now, _instance);
        }

        private static string Seconds(long milliseconds) => (milliseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

        // A command decided on, signed once its counter is claimed.
        private sealed record Intent(string Serial, string Operation, string Arguments, Func<long, byte[]> Build, Action<long>? Claimed);

        // What the supervisor remembers of a meter (the store holds the rest): about 100 bytes, a gap's more.
        private sealed class MeterWatch
        {
            public long AcknowledgedUpTo = -1;
            public DateTime AcknowledgedAt = DateTime.MinValue;
            public DateTime NextCheck = DateTime.MinValue;
            public DateTime LastCheck = DateTime.MinValue;
            public DateTime PassiveNoticed;
            public long PendingCounter;
            public string PendingOperation = string.Empty;
            public DateTime PendingSentUtc;
            public Dictionary<long, GapWatch>? Gaps;

            // Its place in the due queue (long.MaxValue: none, waiting for news).
            public long DueTicks = long.MaxValue;

            public void Pending(string operation, long counter, DateTime now)
            {
                PendingOperation = operation;
                PendingCounter = counter;
                PendingSentUtc = now;
            }
        }

        private sealed class GapWatch
        {
            public int Attempts;
            public DateTime RequestedAt = DateTime.MinValue;
        }
    }
}
