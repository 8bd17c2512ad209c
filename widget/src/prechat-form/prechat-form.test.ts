import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { ChatTopicWidgetInfo } from '@chatline/shared';
import type { Topic } from '../controllers/topic.ts';
import en from '../locales/en.ts';
import './prechat-form.ts';
import type { ChatPrechatForm } from './prechat-form.ts';

/** A topic as the server answers it, with the widget settings given. */
function topicWith(widget: Partial<ChatTopicWidgetInfo['Widget']>, collectConsent = true): Topic {
  const info: ChatTopicWidgetInfo = {
    ChatTopicId: 7,
    Name: 'Test',
    WelcomeMessage: '',
    Language: '',
    CollectConsent: collectConsent,
    CustomQueueTextEnabled: false,
    CustomQueueText: '',
    Widget: {
      RequiredFields: '',
      HiddenFields: 'Company',
      WelcomeTitle: '',
      WelcomeMessage: '',
      Color: '',
      ConsentText: '',
      PrivacyPolicyUrl: '',
      OfflineHeader: '',
      OfflineMessage: '',
      OfflineFields: 'Email',
      PostFormEnabled: true,
      PostFormHeader: '',
      PostFormMessage: '',
      PostTranscriptEnabled: true,
      ...widget,
    },
    OfflineCollectConsent: true,
    UseQueueOfflineForm: true,
    OfflineFormTimeLimit: 5,
    OfflineFormQueueLength: 0,
    WidgetEnableRating: true,
    WidgetRatingText: '',
    IsOpen: true,
    AgentsPresent: true,
    AverageWaitSeconds: null,
    ReopenSeconds: 600,
  };
  return { info, language: 'en', words: en };
}

function control(form: ChatPrechatForm, name: string): HTMLInputElement | null {
  return form.shadowRoot!.querySelector(`[name=${name}]`);
}

describe('<chat-prechat-form>', () => {
  it('raises chat-prechat-submit with the fields it shows, trimmed, and keeps the event inside the widget', async () => {
    const topic = topicWith({ HiddenFields: 'Alias, Message', RequiredFields: 'Company' }, false);
    const form = await fixture<ChatPrechatForm>(html`<chat-prechat-form .topic=${topic}></chat-prechat-form>`);
    expect(control(form, 'CustomerAlias')).to.equal(null);
    expect(control(form, 'FirstMessage')).to.equal(null);
    expect(control(form, 'CustomerConsented')).to.equal(null);
    form.fill({ CustomerAlias: 'kari', CustomerName: ' Kari Nordmann ', CustomerCompanyName: 'Nordhavn AS', TopicId: 9 } as never);
    await form.updateComplete;

    const submitted = oneEvent(form, 'chat-prechat-submit');
    form.shadowRoot!.querySelector('form')!.requestSubmit();
    const event = await submitted;
    expect(event.composed).to.equal(false);
    expect(event.detail.fields).to.deep.equal({
      CustomerName: 'Kari Nordmann',
      CustomerCompanyName: 'Nordhavn AS',
      CustomerConsented: false,
    });
  });

  it('raises nothing while a rule says no, and shows why at the field', async () => {
    const topic = topicWith({ HiddenFields: 'None', RequiredFields: 'Company' });
    const form = await fixture<ChatPrechatForm>(html`<chat-prechat-form .topic=${topic}></chat-prechat-form>`);
    let raised = false;
    form.addEventListener('chat-prechat-submit', () => (raised = true));
    form.fill({ CustomerCompanyName: 'x'.repeat(256) });
    await form.updateComplete;
    form.shadowRoot!.querySelector('form')!.requestSubmit();
    await form.updateComplete;
    expect(raised).to.equal(false);
    expect(form.shadowRoot!.getElementById('company-error')!.textContent).to.equal('Use at most 255 characters.');
    expect(form.shadowRoot!.getElementById('consent-error')!.textContent).to.contain('Please agree');
  });
});
