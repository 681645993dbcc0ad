using System.Globalization;
using Hl7.Fhir.Model;
using Instruments.Definitions;

namespace Instruments.Fhir;

/// <summary>
/// Builds a FHIR R4 <see cref="Questionnaire"/> from an <see cref="InstrumentDefinition"/>: one item per item (its id as
/// the <c>linkId</c>, its question code, its answer options as codings with ordinal values), the instrument's code, and
/// the licence notice as the copyright. Item texts and instructions are written only where <c>describe</c> shows them:
/// an instrument whose texts are restricted gets none unless a licensed texts file was applied.
/// </summary>
public static class FhirQuestionnaire
{
    /// <summary>The extension that gives an answer option its score value (FHIR R4 core).</summary>
    public const string OrdinalValueExtension = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

    /// <summary>The <c>linkId</c> of the display item that carries the instructions, when they are written.</summary>
    public const string InstructionsLinkId = "instructions";

    /// <summary>Creates the Questionnaire.</summary>
    /// <param name="definition">The instrument.</param>
    /// <returns>A new Questionnaire (status active, subject type Patient).</returns>
    public static Questionnaire Create(InstrumentDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var showTexts = definition.License.Texts == TextLicense.Shipped || definition.License.TextsSource is not null;
        var q = new Questionnaire
        {
            Id = definition.Id,
            Version = definition.Version,
            Title = definition.Title,
            Status = PublicationStatus.Active,
            SubjectType = [ResourceType.Patient],
            Description = definition.Citation is { } citation ? new Markdown(citation) : null,
            Copyright = new Markdown(definition.License.Notice ?? definition.License.Name),
            Language = definition.Language,
        };
        if (definition.Code is { } code)
        {
            q.Code.Add(Coding(code, null));
        }

        if (showTexts && definition.Instructions is { } instructions)
        {
            q.Item.Add(new Questionnaire.ItemComponent { LinkId = InstructionsLinkId, Type = Questionnaire.QuestionnaireItemType.Display, Text = instructions });
        }

        foreach (var item in definition.Items)
        {
            var scale = definition.FindScale(item.Scale);
            var qi = new Questionnaire.ItemComponent
            {
                LinkId = item.Id,
                Type = Questionnaire.QuestionnaireItemType.Choice,
                Required = !item.Optional,
                Repeats = false,
                Text = showTexts ? item.Text : null,
            };
            if (item.Code is { } itemCode)
            {
                qi.Code.Add(Coding(itemCode, null));
            }

            foreach (var option in scale?.Options ?? [])
            {
                qi.AnswerOption.Add(AnswerOption(option));
            }

            q.Item.Add(qi);
        }

        return q;
    }

    /// <summary>
    /// An answer option: a coded option as its coding (display: the option's label) with the option value as its
    /// ordinal value; an option without a code as its integer value (FHIR R4 gives an integer option no label).
    /// </summary>
    private static Questionnaire.AnswerOptionComponent AnswerOption(ResponseOption option)
    {
        if (option.Code is not { } code)
        {
            return new Questionnaire.AnswerOptionComponent { Value = new Integer(option.Value) };
        }

        var answer = new Questionnaire.AnswerOptionComponent { Value = Coding(code, option.Label) };
        answer.Extension.Add(new Extension(OrdinalValueExtension, new FhirDecimal(option.Value)));
        return answer;
    }

    internal static Coding Coding(CodeDeclaration code, string? label) =>
        new(code.System, code.Code, code.Display ?? label);

    internal static string Describe(Coding coding) =>
        (coding.System ?? string.Empty) + "|" + (coding.Code ?? string.Empty);

    internal static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
