using System;
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
    }

    /// <summary>A command to publish: its topic and the signed message.</summary>
    public readonly record struct OutgoingCommand(string Serial, string Topic, byte[] Message, string Operation, long Counter);

    /// <summary>
    /// Decides, from the store and the collector's clock, what each meter must be told: acknowledgements of what
    /// has arrived, requests for what is missing, clock checks and clock resets. It owns no I/O besides its store:
    /// the shell publishes what <see cref="Decide"/> returns.
    /// </summary>
    public sealed class Supervisor
    {
        private readonly CollectorStore _store;
        private readonly CollectorKey _key;
        private readonly MeterTopics _topics;
        private readonly SupervisorSettings _settings;
        private readonly string _instance;
        private readonly Action<string> _log;
        private readonly Dictionary<string, MeterWatch> _watch = new(StringComparer.Ordinal);

        public Supervisor(CollectorStore store, CollectorKey key, MeterTopics topics, SupervisorSettings settings, string instance, Action<string> log)
        {
            _store = store;
            _key = key;
            _topics = topics;
            _settings = settings;
            _instance = instance;
            _log = log;
        }

        /// <summary>The commands due now for every registered meter.</summary>
        public List<OutgoingCommand> Decide(DateTime now)
        {
            var commands = new List<OutgoingCommand>();
            foreach (MeterRegistration meter in _store.Meters())
            {
                Decide(meter, now, commands);
            }

            return commands;
        }

        /// <summary>The commands due now for one meter.</summary>
        public void Decide(MeterRegistration meter, DateTime now, List<OutgoingCommand> commands)
        {
            if (!_watch.TryGetValue(meter.Serial, out MeterWatch? watch))
            {
                watch = new MeterWatch();
                _watch[meter.Serial] = watch;
            }

            StoredStatus? status = _store.Status(meter.Serial);
            if (status == null || !status.Online)
            {
                // Commands to a meter that is not connected would wait in no queue (clean sessions): wait for it.
                return;
            }

            if (_settings.CheckClocks)
            {
                SuperviseClock(meter, status, watch, now, commands);
            }

            if (status.LastPeriod < 0)
            {
                return;
            }

            HashSet<long> received = Received(meter.Serial, status);
            if (_settings.Acknowledge)
            {
                Acknowledge(meter, status, watch, received, now, commands);
            }

            if (_settings.Backfill)
            {
                RequestMissing(meter, status, watch, received, now, commands);
            }
        }

        // Everything the meter sent us within its journal: stored, or quarantined with the meter's good signature.
        private HashSet<long> Received(string serial, StoredStatus status)
        {
            long from = Math.Min(status.FirstPeriod >= 0 ? status.FirstPeriod : status.LastPeriod, status.Acknowledged + 1);
            var received = new HashSet<long>(_store.PeriodIndexes(serial, from, status.LastPeriod));
            foreach (long index in _store.QuarantinedSignedPeriodIndexes(serial))
            {
                received.Add(index);
            }

            return received;
        }

        private void Acknowledge(MeterRegistration meter, StoredStatus status, MeterWatch watch, HashSet<long> received, DateTime now, List<OutgoingCommand> commands)
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
                return;
            }

            // Sent already and the meter's status has not caught up yet: wait for it (or for the reply timeout).
            if (frontier <= watch.AcknowledgedUpTo && now - watch.AcknowledgedAt < _settings.ReplyTimeout)
            {
                return;
            }

            // Each acknowledgement costs the meter a signature verification: no more than one a minute unless a day is waiting.
            if (now - watch.AcknowledgedAt < _settings.AcknowledgeInterval && frontier - Math.Max(acknowledged, watch.AcknowledgedUpTo) < 48)
            {
                return;
            }

            long counter = Claim(meter.Serial, "ack", "to=" + frontier, now);
            commands.Add(new OutgoingCommand(meter.Serial, _topics.Command(meter.Serial), MeterCommand.Acknowledge(_key, meter.Serial, counter, now + _settings.CommandLifetime, frontier), "ack", counter));
            watch.AcknowledgedUpTo = frontier;
            watch.AcknowledgedAt = now;
        }

        private void RequestMissing(MeterRegistration meter, StoredStatus status, MeterWatch watch, HashSet<long> received, DateTime now, List<OutgoingCommand> commands)
        {
            long first = status.FirstPeriod >= 0 ? status.FirstPeriod : status.Acknowledged + 1;
            long highestReceived = -1;
            foreach (long r in received)
            {
                highestReceived = Math.Max(highestReceived, r);
            }

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
                    continue;
                }

                if (!watch.Gaps.TryGetValue(from, out GapWatch? gap))
                {
                    gap = new GapWatch();
                    watch.Gaps[from] = gap;
                }

                if (gap.Attempts >= _settings.BackfillAttempts || now - gap.RequestedAt < _settings.BackfillRetry)
                {
                    continue;
                }

                gap.Attempts++;
                gap.RequestedAt = now;
                long counter = Claim(meter.Serial, "resend", "from=" + from + ";to=" + to, now);
                commands.Add(new OutgoingCommand(meter.Serial, _topics.Command(meter.Serial), MeterCommand.Resend(_key, meter.Serial, counter, now + _settings.CommandLifetime, from, to), "resend", counter));
                _log($"{meter.Serial}: periods {from}..{to} missing ({UtcText.Minutes(UtcText.PeriodStart(from))} to {UtcText.Minutes(UtcText.PeriodStart(to + 1))}), backfill request {gap.Attempts} of {_settings.BackfillAttempts}");
                if (gap.Attempts == _settings.BackfillAttempts)
                {
                    _log($"{meter.Serial}: last backfill request for periods {from}..{to}; still missing ones will be in the validation report");
                }
            }
        }

        private void SuperviseClock(MeterRegistration meter, StoredStatus status, MeterWatch watch, DateTime now, List<OutgoingCommand> commands)
        {
            if (watch.PendingCounter > 0)
            {
                CommandEntry? pending = _store.Command(meter.Serial, watch.PendingCounter);
                if (pending == null || pending.ReplyUtc == null)
                {
                    if (now - watch.PendingSentUtc < _settings.ReplyTimeout)
                    {
                        return;
                    }

                    _log($"{meter.Serial}: no answer to {watch.PendingOperation} command {watch.PendingCounter}");
                    watch.PendingCounter = 0;
                    watch.NextCheck = now;
                }
                else
                {
                    watch.PendingCounter = 0;
                    Answered(meter, pending, watch, now, commands);
                    return;
                }
            }

            // Regular checks, sooner when the meter's status shows its clock far off (a status is not signed and its
            // transit is unknown, so it only prompts a measurement) or says the clock is not synchronised.
            DateTime due = watch.NextCheck;
            if (PassivelyBeyond(status))
            {
                due = Min(due, watch.LastCheck + _settings.ClockRecheck);
                if (watch.PassiveNoticed != status.ReceivedUtc)
                {
                    watch.PassiveNoticed = status.ReceivedUtc;
                    _log($"{meter.Serial}: its status says {UtcText.Format(status.MeterUtc!.Value)}, received {UtcText.Format(status.ReceivedUtc)}: checking its clock");
                }
            }
            else if (status.Clock != "synchronised" && status.Clock != "holdover")
            {
                due = Min(due, watch.LastCheck + _settings.DoubtfulClockCheckInterval);
            }

            if (now < due)
            {
                return;
            }

            long counter = Claim(meter.Serial, "read", "clock-check", now);
            commands.Add(new OutgoingCommand(meter.Serial, _topics.Command(meter.Serial), MeterCommand.Read(_key, meter.Serial, counter, now + _settings.CommandLifetime), "read", counter));
            watch.Pending("read", counter, now);
            watch.LastCheck = now;
            watch.NextCheck = now + _settings.ClockCheckInterval;
        }

        private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

        private void Answered(MeterRegistration meter, CommandEntry command, MeterWatch watch, DateTime now, List<OutgoingCommand> commands)
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
                return;
            }

            if (command.MeterUtc == null && command.ReplyUtc != null && (command.Result == "ok" || command.Reason == "failed"))
            {
                // The meter does not know the time at all (no time source since it started): give it ours.
                _log($"{meter.Serial}: the meter does not know the time");
                if (_settings.ResetClocks)
                {
                    SendReset(meter, watch, now, now, commands);
                }

                return;
            }

            if (command.Result != "ok" || command.MeterUtc == null || command.ReplyUtc == null)
            {
                _log($"{meter.Serial}: clock check refused by the meter ({command.Reason})");
                watch.NextCheck = now + _settings.ClockCheckInterval;
                StoredStatus? status = _store.Status(meter.Serial);
                if (_settings.ResetClocks && status != null && PassivelyBeyond(status))
                {
                    // Its status shows the clock far off: try the reset anyway (the meter will judge our access).
                    SendReset(meter, watch, now, now, commands);
                }

                return;
            }

            ClockCheck check = Measure(meter.Serial, command, _settings.ClockBound);
            _store.AddClockCheck(check);
            if (check.Verdict == "within")
            {
                watch.NextCheck = now + _settings.ClockCheckInterval;
                return;
            }

            if (check.Verdict == "inconclusive")
            {
                watch.NextCheck = now + _settings.ClockRecheck;
                return;
            }

            _log($"{meter.Serial}: clock is {Seconds(check.OffsetMilliseconds)} s off UTC (± {Seconds(check.UncertaintyMilliseconds)} s), beyond the {_settings.ClockBound.TotalSeconds} s bound");
            if (!_settings.ResetClocks)
            {
                watch.NextCheck = now + _settings.ClockCheckInterval;
                return;
            }

            // The command carries the collector's time at sending; on a LAN it arrives within milliseconds.
            SendReset(meter, watch, now, now, commands);
        }

        private void SendReset(MeterRegistration meter, MeterWatch watch, DateTime now, DateTime setTo, List<OutgoingCommand> commands)
        {
            long counter = Claim(meter.Serial, "clock", "utc=" + UtcText.Format(setTo), now);
            commands.Add(new OutgoingCommand(meter.Serial, _topics.Command(meter.Serial), MeterCommand.SetClock(_key, meter.Serial, counter, now + _settings.CommandLifetime, setTo), "clock", counter));
            watch.Pending("clock", counter, now);
            _log($"{meter.Serial}: clock reset to UTC sent (command {counter})");
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
            public readonly Dictionary<long, GapWatch> Gaps = new();

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
